/* SPDX-License-Identifier: GPL-2.0 */
/*
 * npsim - a simulated Moxa NPort in TCP Server mode: per serial port a data
 * listener and a command-port listener (ASPP), and a serial side that is a
 * loopback plug, a pty or a real tty device.  Single-threaded, one poll()
 * loop (main.c); this header holds the shared state.
 */
#ifndef NPSIM_H
#define NPSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

#include "aspp.h"

#define NPSIM_MAX_PORTS		32
#define NPSIM_MAX_CONN		8
#define NPSIM_OUT_MAX		(64 * 1024)	/* per connection, then stop reading serial */
#define NPSIM_TXQ_DEFAULT	4096		/* network -> serial queue */

/* A growable byte queue: data at d[0..len). */
struct buf {
	uint8_t *d;
	size_t len, cap;
};

int buf_put(struct buf *b, const void *p, size_t n);
void buf_consume(struct buf *b, size_t n);
void buf_free(struct buf *b);

enum conn_kind { CONN_DATA, CONN_CMD };

struct sim_port;

struct conn {
	int fd;
	enum conn_kind kind;
	struct sim_port *port;
	char peer[64];		/* "addr port" */
	char peer_addr[48];	/* address alone, for session drops */
	struct buf in;		/* command requests not yet handled */
	struct buf out;		/* bytes to send */
	uint64_t rx_bytes, tx_bytes;
	bool dead;		/* closed; freed at the next loop turn */
	bool closing;		/* inside conn_close() */

	/* command port only */
	bool notify;		/* NOTIFY enabled on this connection */
	int64_t stall_until;	/* delayed reply: send pending then, 0 = none */
	uint8_t pending[NPTTY_ASPP_MAX_REPLY_LEN];
	int pending_len;
	bool waiting;		/* blocking WAIT_OQUEUE in progress */
	int64_t wait_deadline;
	bool poll_outstanding;	/* POLLING sent, ALIVE not yet back */
	uint8_t poll_id;
	int64_t poll_sent;
};

struct listener {
	int fd;			/* -1: not listening */
	uint16_t port;		/* actual TCP port */
	enum conn_kind kind;
	struct sim_port *p;
};

struct backend_ops;

struct sim_port {
	int num;			/* 1-based, as on the device */
	struct listener data_l, cmd_l;
	struct conn *conns[2][NPSIM_MAX_CONN];	/* [conn_kind][slot] */

	/* serial settings as applied */
	struct nptty_aspp_serial ser;
	uint8_t baud_idx;
	uint8_t tx_fifo;
	bool brk;			/* break being sent */
	bool xoff;			/* output suspended by SETXOFF */

	/* modem inputs: NPTTY_ASPP_MSR_* levels */
	uint8_t msr;
	uint8_t msr_force_mask, msr_force_val;	/* control-socket overrides */
	uint8_t ev_pending;		/* NOTIFY events not sent yet */

	struct buf txq;			/* network -> serial, not yet sent */
	size_t txq_max;
	int64_t pace_t;			/* when the line is free (ns) */
	int64_t next_poll;		/* next POLLING (ns), 0 = off */
	uint8_t poll_id;

	/* backend */
	const struct backend_ops *be;
	char be_spec[256];		/* "loopback", "pty[:link]", "/dev/..." */
	int fd;				/* pty master or tty device, -1 */
	int slave_fd;			/* pty slave (kept open), -1 */
	char path[256];			/* pty slave or device path */
	char link[256];			/* pty symlink, "" = none */
	bool tx_blocked;		/* backend write returned EAGAIN */
	int64_t next_modem_poll;
	void *be_priv;
};

/*
 * Serial backends.  write() sends bytes out of the port's TX pin and
 * returns how many were taken (0 = try later); the loopback plug feeds them
 * straight back as received data.
 */
struct backend_ops {
	const char *name;
	int (*open)(struct sim_port *p);
	void (*close)(struct sim_port *p);
	int (*apply)(struct sim_port *p);	/* settings in p->ser */
	void (*lines)(struct sim_port *p);	/* DTR/RTS in p->ser */
	void (*brk)(struct sim_port *p, bool on);
	void (*flush)(struct sim_port *p, int which);
	ssize_t (*write)(struct sim_port *p, const uint8_t *b, size_t n);
	uint32_t (*outq)(struct sim_port *p);	/* queued below us */
	void (*modem_poll)(struct sim_port *p);	/* real device: read inputs */
};

extern const struct backend_ops backend_loopback;
extern const struct backend_ops backend_pty;
extern const struct backend_ops backend_tty;

/* Options. */
enum overflow { OVERFLOW_REFUSE, OVERFLOW_QUEUE };
enum drain_mode { DRAIN_NOW, DRAIN_BLOCK };

struct options {
	int nports;
	char listen[64];
	int data_base, cmd_base;	/* 0 = ephemeral, cmd -1 = none */
	int max_conn;
	enum overflow overflow;
	bool pace;
	bool notify_default;
	enum drain_mode drain;
	int polling;			/* seconds, 0 = off */
	int alive_timeout;		/* seconds */
	size_t txq_max;
	const char *events;
	const char *ready_file;
	const char *control;
	int verbose;			/* 0 quiet, 1 events, 2 + data */
	char be_spec[NPSIM_MAX_PORTS][256];
};

extern struct options opt;
extern struct sim_port ports[NPSIM_MAX_PORTS];

/* time.c-ish helpers (main.c) */
int64_t now_ns(void);

/* events.c: one line per event to stderr, one JSON object per line to
 * --events.  Build with ev_begin(), add fields, finish with ev_end().
 */
int events_open(const char *path);
void events_close(void);
void ev_begin(int port, const char *event);
void ev_str(const char *key, const char *val);
void ev_int(const char *key, long long val);
void ev_hex(const char *key, const uint8_t *b, size_t n);
void ev_bool(const char *key, bool val);
void ev_end(void);
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* net.c */
int net_listen_all(void);
void net_close_all(void);
struct conn *conn_accept(struct listener *l);
void conn_close(struct conn *c, const char *why);
int conn_send(struct conn *c, const void *b, size_t n);
void conn_read(struct conn *c);
void conn_write(struct conn *c);
bool data_room(struct sim_port *p, size_t *room);
int port_conn_count(struct sim_port *p, enum conn_kind k);

/* serial.c */
int serial_open(struct sim_port *p);
void serial_close(struct sim_port *p);
void serial_pump(struct sim_port *p);
void serial_rx(struct sim_port *p, const uint8_t *b, size_t n);
void serial_lines_changed(struct sim_port *p);
void serial_update_msr(struct sim_port *p, uint8_t msr);
void serial_event(struct sim_port *p, uint8_t events);
uint32_t serial_outq(struct sim_port *p);
uint32_t serial_inq(struct sim_port *p);
void serial_flush(struct sim_port *p, int which);
void serial_read_fd(struct sim_port *p);
int64_t serial_next_timer(struct sim_port *p);
void serial_timers(struct sim_port *p);
uint8_t msr_wiring(const struct sim_port *p);

/* cmdport.c */
void cmd_input(struct conn *c);
void cmd_timers(struct sim_port *p);
int64_t cmd_next_timer(struct sim_port *p);
void cmd_notify(struct sim_port *p, uint8_t events);
void cmd_notify_flush(struct sim_port *p);
void cmd_send_polling(struct sim_port *p);
void cmd_drain_check(struct sim_port *p);

/* fault.c */
enum fault_kind {
	FAULT_REFUSE,		/* arg: which listener */
	FAULT_HANGUP,		/* accept, close at once */
	FAULT_CLOSE_AFTER,	/* close after N bytes received */
	FAULT_DELAY,		/* delay replies MS */
	FAULT_GARBAGE,		/* reply garbage */
	FAULT_TRUNCATE,		/* send half of the reply */
	FAULT_NO_REPLY,		/* never reply */
	FAULT_REJECT_BAUD,	/* PORT_INIT replies FF FF FF */
};

#define FAULT_OP_ANY	-1
#define FAULT_KIND_DATA	0x1
#define FAULT_KIND_CMD	0x2

int fault_parse(const char *spec);
bool fault_listener_refused(int port, enum conn_kind k);
bool fault_hangup(int port, enum conn_kind k);
long fault_close_after(int port, enum conn_kind k);
bool fault_reply(int port, uint8_t op, enum fault_kind *kind, long *arg);
bool fault_reject_baud(int port);
void fault_help(void);

/* control.c */
int control_open(const char *path);
void control_close(void);
int control_pollfds(struct pollfd *pfd, int max, void **refs);
void control_handle(void *ref, short revents);

/* termios2.c (kept apart: <asm/termbits.h> clashes with <termios.h>) */
int tty_set_baud(int fd, uint32_t baud);
int tty_get_baud(int fd, uint32_t *baud);

#endif /* NPSIM_H */
