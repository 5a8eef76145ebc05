// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel TCP sockets for nptty links: creation in a network namespace,
 * options, callbacks, non-blocking connect, send and receive.  No protocol
 * knowledge lives here.
 *
 * Context: everything but the callbacks runs in process context (a link's
 * work items or its start/stop), under the owning link's mutex.  The
 * installed callbacks run in softirq context or under the socket lock; they
 * read sk_user_data under read_lock_bh(&sk->sk_callback_lock) and only queue
 * work.  attach/detach take the write side, so once nptty_sock_detach()
 * returns no callback of ours is running or will run.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/tcp.h>
#include <net/tcp.h>

#include "compat.h"
#include "port.h"
#include "sock.h"

/*
 * The data socket's send buffer, locked: bytes beyond it wait in the ring,
 * where TIOCOUTQ, write_room and tcflush see them.  An autotuned buffer
 * grows to megabytes (tcp_wmem) while the peer's window is shut, minutes of
 * a slow serial line nobody could flush.  Ample for a serial line's rate
 * times any round trip an NPort sits behind.
 */
#define NPTTY_DATA_SNDBUF	(32 * 1024)

/*
 * @data: the data socket.  It gets no TCP_USER_TIMEOUT: TCP would end even
 * zero-window probing the peer answers, and a live NPort whose serial side
 * is held by flow control keeps its window shut as long as that lasts.  The
 * link watches it instead (nptty_sock_owed()).  The command socket, whose
 * requests are answered at once, keeps the user timeout.
 */
int nptty_sock_create(struct net *net, const struct nptty_port_cfg *cfg,
		      bool data, struct socket **res)
{
	struct socket *sock;
	struct sock *sk;
	int ret;

	ret = sock_create_kern(net, cfg->addr.ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (ret)
		return ret;
	sk = sock->sk;
	sk->sk_allocation = GFP_KERNEL;
	tcp_sock_set_nodelay(sk);
	if (cfg->keepalive_s) {
		sock_set_keepalive(sk);
		tcp_sock_set_keepidle(sk, cfg->keepalive_s);
		tcp_sock_set_keepintvl(sk, max_t(u32, cfg->keepalive_s / 2, 1));
		tcp_sock_set_keepcnt(sk, 3);
	}
	if (data) {
		/* as SO_SNDBUF does (not exported before 6.x: by hand) */
		lock_sock(sk);
		sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
		WRITE_ONCE(sk->sk_sndbuf, 2 * NPTTY_DATA_SNDBUF);
		release_sock(sk);
	} else if (cfg->user_timeout_ms)
		tcp_sock_set_user_timeout(sk, cfg->user_timeout_ms);
	*res = sock;
	return 0;
}

/* Start a non-blocking connect to @port at the configured address. */
int nptty_sock_connect(struct socket *sock, const struct nptty_port_cfg *cfg,
		       u16 port)
{
	struct sockaddr_storage addr = cfg->addr;
	int len;

	if (addr.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&addr)->sin6_port = htons(port);
		len = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&addr)->sin_port = htons(port);
		len = sizeof(struct sockaddr_in);
	}
	return nptty_kernel_connect(sock, &addr, len, O_NONBLOCK);
}

void nptty_sock_attach(struct socket *sock, void *user,
		       const struct nptty_sock_cbs *cbs,
		       struct nptty_sock_cbs *saved)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	saved->data_ready = sk->sk_data_ready;
	saved->write_space = sk->sk_write_space;
	saved->state_change = sk->sk_state_change;
	sk->sk_user_data = user;
	sk->sk_data_ready = cbs->data_ready;
	sk->sk_write_space = cbs->write_space;
	sk->sk_state_change = cbs->state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

void nptty_sock_detach(struct socket *sock, const struct nptty_sock_cbs *saved)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = saved->data_ready;
	sk->sk_write_space = saved->write_space;
	sk->sk_state_change = saved->state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Bytes handed to the socket that the peer has not acknowledged. */
u32 nptty_sock_unsent(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct tcp_sock *tp = tcp_sk(sk);
	u32 n;

	/* also right after a reset or an abort (TCP_CLOSE): the sequence
	 * numbers stay; before the connection exists only the SYN counts
	 */
	lock_sock(sk);
	n = READ_ONCE(tp->write_seq) - tp->snd_una;
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_LISTEN))
		n = 0;
	release_sock(sk);
	return n;
}

/* Non-blocking send: bytes sent, -EAGAIN when the socket is full, or -err. */
int nptty_sock_send(struct socket *sock, const void *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };

	return kernel_sendmsg(sock, &msg, &iov, 1, len);
}

/* Non-blocking receive: bytes read, 0 at end of stream, -EAGAIN, or -err. */
int nptty_sock_recv(struct socket *sock, void *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	return kernel_recvmsg(sock, &msg, &iov, 1, len, msg.msg_flags);
}

void nptty_sock_close(struct socket *sock)
{
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

/*
 * Whether the peer owes an answer: bytes in flight it has not
 * acknowledged, or a window (or keepalive) probe it has not answered.  A
 * shut window whose last probe was answered owes nothing: window probes
 * back off up to TCP_RTO_MAX, so the time since the last answer says
 * nothing then.  @stamp: when the last acknowledgement arrived.  Lockless:
 * the link compares results between checks.
 */
bool nptty_sock_owed(struct socket *sock, u32 *stamp)
{
	const struct tcp_sock *tp = tcp_sk(sock->sk);

	*stamp = READ_ONCE(tp->rcv_tstamp);
	return READ_ONCE(tp->packets_out) ||
	       READ_ONCE(inet_csk(sock->sk)->icsk_probes_out);
}
