// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: nptty_aspp_decode_reply() over a byte stream, the way
 * the kernel's command-port reader uses it.  Checks that it never reads past
 * len (ASan), consumes exactly the fixed reply length of the opcode, and
 * fills the reply consistently.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aspp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any overread. */
	uint8_t *buf = malloc(size ? size : 1);
	size_t off = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while (off < size) {
		struct nptty_aspp_reply r;
		int ret = nptty_aspp_decode_reply(buf + off, size - off, &r);

		if (ret <= 0) {
			if (ret < 0 && ret != -EBADMSG)
				abort();
			break;
		}
		if ((size_t)ret > size - off || ret != nptty_aspp_reply_len(buf[off]) ||
		    r.op != buf[off] || r.kind != nptty_aspp_reply_kind(r.op))
			abort();
		if (r.kind == NPTTY_ASPP_REPLY_ACK &&
		    (buf[off + 1] != 'O' || buf[off + 2] != 'K'))
			abort();
		if (r.kind == NPTTY_ASPP_REPLY_QUEUE &&
		    r.count != (buf[off + 2] | buf[off + 3] << 8))
			abort();
		if (r.baud_rejected && (r.dsr || r.cts || r.dcd))
			abort();
		off += ret;
	}
	free(buf);
	return 0;
}
