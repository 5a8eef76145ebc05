/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * Wire constants of the Moxa NPort command port ("ASPP"), TCP Server mode.
 *
 * This is the one place that owns them: nptty.ko (through kmod/aspp.c) and
 * npsim both include it.  Plain macros only, so it builds in the kernel and
 * in userspace alike.  Facts and their confidence ([H] read in the vendor's
 * driver, [M] inferred, [L] guess) are in shared/protocol/aspp.md; the tags
 * below repeat them.
 *
 * Host -> NPort request:  opcode, payload length, payload.
 * NPort -> host reply:    fixed length per opcode, no common length field:
 *   ack       op 'O' 'K'                       (3 bytes)
 *   queue     op 0x02 lo hi                    (4 bytes, count lo + 256 * hi)
 *   status    op 0x03 dsr cts dcd              (5 bytes)
 *   NOTIFY    0x26 events msr ??               (4 bytes, unsolicited)
 *   POLLING   0x27 0x01 id                     (3 bytes, unsolicited)
 */
#ifndef _NPTTY_ASPP_WIRE_H
#define _NPTTY_ASPP_WIRE_H

/* Default TCP ports of serial port 1; port n uses base + n - 1 [H 1, M n]. */
#define NPTTY_ASPP_DATA_PORT		4001
#define NPTTY_ASPP_CMD_PORT		966

/* Opcodes (H = host to NPort, N = NPort to host). */
#define NPTTY_ASPP_OP_IOCTL		0x10	/* H: baudidx mode            [M] */
#define NPTTY_ASPP_OP_FLOWCTRL		0x11	/* H: payload disputed        [L] */
#define NPTTY_ASPP_OP_LINECTRL		0x12	/* H: dtr rts                 [H] */
#define NPTTY_ASPP_OP_LSTATUS		0x13	/* H: none -> status reply    [M] */
#define NPTTY_ASPP_OP_FLUSH		0x14	/* H: selector                [H] */
#define NPTTY_ASPP_OP_IQUEUE		0x15	/* H: none -> queue reply     [M] */
#define NPTTY_ASPP_OP_OQUEUE		0x16	/* H: none -> queue reply     [M] */
#define NPTTY_ASPP_OP_SETBAUD		0x17	/* H: baud, 32-bit LE         [H] */
#define NPTTY_ASPP_OP_XONXOFF		0x18	/* H: xon_char xoff_char      [H] */
#define NPTTY_ASPP_OP_PORT_RESET	0x20	/* H: unknown                 [L] */
#define NPTTY_ASPP_OP_START_BREAK	0x21	/* H: none                    [H] */
#define NPTTY_ASPP_OP_STOP_BREAK	0x22	/* H: none                    [H] */
#define NPTTY_ASPP_OP_START_NOTIFY	0x24	/* H: none                    [M] */
#define NPTTY_ASPP_OP_STOP_NOTIFY	0x25	/* H: none                    [M] */
#define NPTTY_ASPP_OP_NOTIFY		0x26	/* N: events msr ??           [H] */
#define NPTTY_ASPP_OP_POLLING		0x27	/* N: 0x01 id                 [H] */
#define NPTTY_ASPP_OP_ALIVE		0x28	/* H: id, no reply            [H] */
#define NPTTY_ASPP_OP_HOST		0x2b	/* H: unknown -> ack          [L] */
#define NPTTY_ASPP_OP_PORT_INIT		0x2c	/* H: 8 bytes -> status reply [H] */
#define NPTTY_ASPP_OP_RESENT_TIME	0x2e	/* H: unknown                 [L] */
#define NPTTY_ASPP_OP_WAIT_OQUEUE	0x2f	/* H: timeout, 32-bit LE      [H] */
#define NPTTY_ASPP_OP_TX_FIFO		0x30	/* H: depth                   [H] */
#define NPTTY_ASPP_OP_SETXON		0x33	/* H: none                    [H] */
#define NPTTY_ASPP_OP_SETXOFF		0x34	/* H: none                    [H] */
#define NPTTY_ASPP_OP_OPEN		0x39	/* ?: unknown                 [L] */

/* Request framing [H]. */
#define NPTTY_ASPP_REQ_HDR_LEN		2	/* opcode, payload length */
#define NPTTY_ASPP_MAX_PAYLOAD		255
#define NPTTY_ASPP_MAX_REQ_LEN		(NPTTY_ASPP_REQ_HDR_LEN + NPTTY_ASPP_MAX_PAYLOAD)

/* Request payload lengths.  "none" requests are sent as "op 00" [H/M, Q11]. */
#define NPTTY_ASPP_IOCTL_PLEN		2
#define NPTTY_ASPP_LINECTRL_PLEN	2
#define NPTTY_ASPP_FLUSH_PLEN		1
#define NPTTY_ASPP_SETBAUD_PLEN		4
#define NPTTY_ASPP_XONXOFF_PLEN		2
#define NPTTY_ASPP_ALIVE_PLEN		1
#define NPTTY_ASPP_PORT_INIT_PLEN	8
#define NPTTY_ASPP_WAIT_OQUEUE_PLEN	4
#define NPTTY_ASPP_TX_FIFO_PLEN		1
#define NPTTY_ASPP_FLOWCTRL_PLEN_MASK	1	/* S7: IPSerial F_* mask [L] */
#define NPTTY_ASPP_FLOWCTRL_PLEN_BYTES	4	/* S6: like PORT_INIT 4..7 [L] */

/* Reply framing [H]. */
#define NPTTY_ASPP_ACK_LEN		3
#define NPTTY_ASPP_QUEUE_LEN		4
#define NPTTY_ASPP_STATUS_LEN		5
#define NPTTY_ASPP_NOTIFY_LEN		4
#define NPTTY_ASPP_POLLING_LEN		3
#define NPTTY_ASPP_MAX_REPLY_LEN	5
#define NPTTY_ASPP_ACK_0		0x4f	/* 'O' */
#define NPTTY_ASPP_ACK_1		0x4b	/* 'K' */
#define NPTTY_ASPP_QUEUE_LENBYTE	0x02
#define NPTTY_ASPP_STATUS_LENBYTE	0x03
#define NPTTY_ASPP_POLLING_LENBYTE	0x01

/* PORT_INIT payload offsets [H]; bytes 4/5 split is [L], both follow CRTSCTS. */
#define NPTTY_ASPP_PI_BAUD		0
#define NPTTY_ASPP_PI_MODE		1
#define NPTTY_ASPP_PI_DTR		2
#define NPTTY_ASPP_PI_RTS		3
#define NPTTY_ASPP_PI_HW_CTS		4	/* CTS governs output [L] */
#define NPTTY_ASPP_PI_HW_RTS		5	/* RTS governs input [L] */
#define NPTTY_ASPP_PI_IXON		6
#define NPTTY_ASPP_PI_IXOFF		7

/* Status reply (PORT_INIT [H], LSTATUS [M]) byte offsets after "op 03". */
#define NPTTY_ASPP_ST_DSR		0
#define NPTTY_ASPP_ST_CTS		1
#define NPTTY_ASPP_ST_DCD		2
#define NPTTY_ASPP_ST_REJECT		0xff	/* FF FF FF: baud index rejected */

/* Baud index table (PORT_INIT byte 0, IOCTL byte 0) [H]. */
#define NPTTY_ASPP_BAUD_IDX_300		0
#define NPTTY_ASPP_BAUD_IDX_600		1
#define NPTTY_ASPP_BAUD_IDX_1200	2
#define NPTTY_ASPP_BAUD_IDX_2400	3
#define NPTTY_ASPP_BAUD_IDX_4800	4
#define NPTTY_ASPP_BAUD_IDX_7200	5
#define NPTTY_ASPP_BAUD_IDX_9600	6
#define NPTTY_ASPP_BAUD_IDX_19200	7
#define NPTTY_ASPP_BAUD_IDX_38400	8
#define NPTTY_ASPP_BAUD_IDX_57600	9
#define NPTTY_ASPP_BAUD_IDX_115200	10
#define NPTTY_ASPP_BAUD_IDX_230400	11
#define NPTTY_ASPP_BAUD_IDX_460800	12
#define NPTTY_ASPP_BAUD_IDX_921600	13
#define NPTTY_ASPP_BAUD_IDX_150		14
#define NPTTY_ASPP_BAUD_IDX_134		15	/* 134.5 */
#define NPTTY_ASPP_BAUD_IDX_110		16
#define NPTTY_ASPP_BAUD_IDX_75		17
#define NPTTY_ASPP_BAUD_IDX_50		18
#define NPTTY_ASPP_BAUD_IDX_COUNT	19
#define NPTTY_ASPP_BAUD_IDX_NONE	0xff	/* not in table: SETBAUD follows */

/* Mode byte (PORT_INIT byte 1, IOCTL byte 1) [H]. */
#define NPTTY_ASPP_MODE_DATA_MASK	0x03	/* data bits - 5 */
#define NPTTY_ASPP_MODE_DATA_5		0x00
#define NPTTY_ASPP_MODE_DATA_6		0x01
#define NPTTY_ASPP_MODE_DATA_7		0x02
#define NPTTY_ASPP_MODE_DATA_8		0x03
#define NPTTY_ASPP_MODE_STOP2		0x04	/* 2 stop bits (1.5 with 5 data) */
#define NPTTY_ASPP_MODE_PARITY_MASK	0x38	/* an enumerated field */
#define NPTTY_ASPP_MODE_PARITY_NONE	0x00
#define NPTTY_ASPP_MODE_PARITY_EVEN	0x08
#define NPTTY_ASPP_MODE_PARITY_ODD	0x10
#define NPTTY_ASPP_MODE_PARITY_MARK	0x18
#define NPTTY_ASPP_MODE_PARITY_SPACE	0x20
#define NPTTY_ASPP_MODE_RESERVED	0xc0	/* always 0 */

/* NOTIFY byte 1: events [H]. */
#define NPTTY_ASPP_EV_PARITY		0x01
#define NPTTY_ASPP_EV_FRAMING		0x02
#define NPTTY_ASPP_EV_HW_OVERRUN	0x04
#define NPTTY_ASPP_EV_SW_OVERRUN	0x08
#define NPTTY_ASPP_EV_BREAK		0x10
#define NPTTY_ASPP_EV_MSR		0x20	/* modem status changed: see msr */

/* NOTIFY byte 2: modem input levels, 16550 MSR layout [H]; RI is [M]. */
#define NPTTY_ASPP_MSR_CTS		0x10
#define NPTTY_ASPP_MSR_DSR		0x20
#define NPTTY_ASPP_MSR_RI		0x40
#define NPTTY_ASPP_MSR_DCD		0x80

/* FLUSH selector [H]. */
#define NPTTY_ASPP_FLUSH_RX		0
#define NPTTY_ASPP_FLUSH_TX		1
#define NPTTY_ASPP_FLUSH_BOTH		2

/* TX_FIFO depths used by the vendor driver [H]. */
#define NPTTY_ASPP_TX_FIFO_OFF		1
#define NPTTY_ASPP_TX_FIFO_DEFAULT	16
#define NPTTY_ASPP_TX_FIFO_CN2500	64

/* WAIT_OQUEUE timeout meaning "forever" [H]; the unit itself is [L] (Q8). */
#define NPTTY_ASPP_WAIT_FOREVER		0x7fffffff

/* FLOWCTRL 1-byte mask form (IPSerial F_* values; wire use is [L], Q4). */
#define NPTTY_ASPP_FC_CTS		0x01
#define NPTTY_ASPP_FC_RTS		0x02
#define NPTTY_ASPP_FC_XON		0x04
#define NPTTY_ASPP_FC_XOFF		0x08

#endif /* _NPTTY_ASPP_WIRE_H */
