// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: nptty_aspp_decode_request() over a byte stream, as
 * npsim uses it, plus the PORT_INIT payload parser and the mode byte
 * round trip: a mode byte the decoder accepts must encode back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aspp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	size_t off = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while (off < size) {
		struct nptty_aspp_request rq;
		struct nptty_aspp_serial s;
		int ret = nptty_aspp_decode_request(buf + off, size - off, &rq);
		uint8_t idx;

		if (ret <= 0) {
			if (ret < 0 && ret != -EBADMSG)
				abort();
			break;
		}
		if ((size_t)ret > size - off || ret != rq.len + 2 ||
		    rq.op != buf[off] || rq.payload != buf + off + 2)
			abort();
		if (rq.op == NPTTY_ASPP_OP_PORT_INIT) {
			memset(&s, 0, sizeof(s));
			if (!nptty_aspp_parse_port_init(rq.payload, &s, &idx) &&
			    nptty_aspp_mode(&s) != rq.payload[NPTTY_ASPP_PI_MODE])
				abort();
			if (idx < NPTTY_ASPP_BAUD_IDX_COUNT &&
			    nptty_aspp_baud_index(nptty_aspp_baud_from_index(idx)) != idx)
				abort();
		}
		off += ret;
	}
	free(buf);
	return 0;
}
