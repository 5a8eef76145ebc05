/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel TCP socket helpers shared by the data and command links. */
#ifndef NPTTY_SOCK_H
#define NPTTY_SOCK_H

#include <linux/net.h>
#include <net/sock.h>

struct nptty_port_cfg;

/* Socket callbacks a link installs; they must only queue work. */
struct nptty_sock_cbs {
	void (*data_ready)(struct sock *sk);
	void (*write_space)(struct sock *sk);
	void (*state_change)(struct sock *sk);
};

int nptty_sock_create(struct net *net, const struct nptty_port_cfg *cfg,
		      bool data, struct socket **res);
int nptty_sock_connect(struct socket *sock, const struct nptty_port_cfg *cfg,
		       u16 port);
void nptty_sock_attach(struct socket *sock, void *user,
		       const struct nptty_sock_cbs *cbs,
		       struct nptty_sock_cbs *saved);
void nptty_sock_detach(struct socket *sock, const struct nptty_sock_cbs *saved);
u32 nptty_sock_unsent(struct socket *sock);
bool nptty_sock_owed(struct socket *sock, u32 *stamp);
int nptty_sock_send(struct socket *sock, const void *buf, size_t len);
int nptty_sock_recv(struct socket *sock, void *buf, size_t len);
void nptty_sock_close(struct socket *sock);

#endif /* NPTTY_SOCK_H */
