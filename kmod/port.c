// SPDX-License-Identifier: GPL-2.0
/*
 * nptty ports: creation, the index registry, deletion and lifetime.
 *
 * Locking, outer to inner (never the reverse; never sleep under a spinlock):
 *  1. nptty_ports_lock (mutex): the index IDR, which holds every live port.
 *  2. port->port.mutex (tty_port mutex): open/close/hangup; the tty core
 *     holds it around ->activate() and ->shutdown(), so link start/stop nest
 *     inside it.  Deletion takes it to stop the link.
 *  3. port->link.mutex: the data socket and all I/O on it (link.c).
 *  4. port->cmd.req_mutex, then port->cmd.mutex: the command port (cmd.c).
 *  5. port->lock (spinlock, irqsave): transmit ring, modem bits, icount,
 *     termios copy, cfg copy.
 *  sk->sk_callback_lock is only taken in sock.c, below everything else.
 *
 * Lifetime: struct nptty_port embeds a tty_port whose kref counts:
 *  - the registry (one, from creation until deletion),
 *  - each installed tty (->install takes it under nptty_ports_lock together
 *    with the lookup; ->cleanup drops it),
 *  - each netlink operation that looked the port up (dropped at its end).
 * Work items hold no reference: the link is stopped, and its work cancelled,
 * before the last tty reference can go (->shutdown runs before ->cleanup).
 * ->destruct frees the memory when the count reaches zero.
 *
 * Deletion (netlink, netns exit, module exit): mark dead under
 * nptty_ports_lock (lookups skip dead ports; new opens get -ENODEV), stop
 * the link under port.mutex, hang the tty up, unregister the device, drop
 * the registry reference.  An open file keeps the memory until it is closed.
 * The index stays taken in the IDR until ->destruct: a tty that is still
 * open keeps its minor, so a new port must not get that minor meanwhile.
 *
 * Sockets live in the adder's network namespace.  Kernel sockets do not pin
 * their namespace, so a pernet exit hook deletes that namespace's ports
 * before it goes away; port->net is valid for as long as the port is in the
 * registry and while its link runs.
 */
#include <linux/idr.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>

#include "port.h"
#include "tty.h"
#include "sysfs.h"
#include "netlink.h"
#include "parent.h"

static DEFINE_MUTEX(nptty_ports_lock);	/* nptty_ports */
static DEFINE_IDR(nptty_ports);		/* index -> struct nptty_port */

void nptty_cfg_defaults(struct nptty_port_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = NPTTY_DEFAULT_CONNECT_TIMEOUT_MS;
	cfg->keepalive_s = NPTTY_DEFAULT_KEEPALIVE_S;
	cfg->user_timeout_ms = NPTTY_DEFAULT_USER_TIMEOUT_MS;
	cfg->loss_policy = NPTTY_DEFAULT_LOSS_POLICY;
	cfg->tx_ring = NPTTY_DEFAULT_TX_RING;
	cfg->cmd_timeout_ms = NPTTY_DEFAULT_CMD_TIMEOUT_MS;
}

static bool same_remote(const struct nptty_port_cfg *a,
			const struct nptty_port_cfg *b)
{
	const struct sockaddr_in *a4 = (const void *)&a->addr;
	const struct sockaddr_in *b4 = (const void *)&b->addr;
	const struct sockaddr_in6 *a6 = (const void *)&a->addr;
	const struct sockaddr_in6 *b6 = (const void *)&b->addr;

	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr &&
		       a4->sin_port == b4->sin_port;
	return ipv6_addr_equal(&a6->sin6_addr, &b6->sin6_addr) &&
	       a6->sin6_port == b6->sin6_port &&
	       a6->sin6_scope_id == b6->sin6_scope_id;
}

static struct nptty_port *find_duplicate(struct net *net,
					 const struct nptty_port_cfg *cfg)
{
	struct nptty_port *port;
	int id;

	lockdep_assert_held(&nptty_ports_lock);
	idr_for_each_entry(&nptty_ports, port, id)
		if (!port->dead && net_eq(port->net, net) &&
		    same_remote(&port->cfg, cfg))
			return port;
	return NULL;
}

static bool label_taken(struct net *net, const char *label)
{
	struct nptty_port *port;
	int id;

	lockdep_assert_held(&nptty_ports_lock);
	if (!label[0])
		return false;
	idr_for_each_entry(&nptty_ports, port, id)
		if (!port->dead && net_eq(port->net, net) &&
		    !strcmp(port->cfg.label, label))
			return true;
	return false;
}

/*
 * Create a port and its tty device.  @index < 0 takes the lowest free one.
 * Returns the port with a reference for the caller, or an ERR_PTR.
 */
struct nptty_port *nptty_port_create(struct net *net,
				     const struct nptty_port_cfg *cfg,
				     int index, struct netlink_ext_ack *extack)
{
	struct nptty_port *port;
	struct device *dev;
	int ret;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return ERR_PTR(-ENOMEM);

	tty_port_init(&port->port);
	port->port.ops = &nptty_port_ops;
	port->net = net;
	port->cfg = *cfg;
	spin_lock_init(&port->lock);
	port->mctrl = 0;
	port->termios = nptty_tty_driver->init_termios;
	port->baud = tty_termios_baud_rate(&nptty_tty_driver->init_termios);
	port->cflag = nptty_tty_driver->init_termios.c_cflag;
	port->iflag = nptty_tty_driver->init_termios.c_iflag;
	nptty_link_init(&port->link);
	nptty_cmd_init(&port->cmd);

	mutex_lock(&nptty_ports_lock);
	if (find_duplicate(net, cfg)) {
		NL_SET_ERR_MSG_MOD(extack, "a port for this address and data port exists");
		ret = -EEXIST;
		goto err_unlock;
	}
	if (label_taken(net, cfg->label)) {
		NL_SET_ERR_MSG_MOD(extack, "a port with this label exists");
		ret = -EEXIST;
		goto err_unlock;
	}
	if (index >= 0)
		ret = idr_alloc(&nptty_ports, NULL, index, index + 1, GFP_KERNEL);
	else
		ret = idr_alloc(&nptty_ports, NULL, 0, nptty_max_ports,
				GFP_KERNEL);
	if (ret < 0) {
		if (ret == -ENOSPC && index >= 0) {
			NL_SET_ERR_MSG_MOD(extack, "this index is in use");
			ret = -EBUSY;
		} else if (ret == -ENOSPC) {
			NL_SET_ERR_MSG_MOD(extack,
					   "all ports are in use (module parameter max_ports)");
		}
		goto err_unlock;
	}
	port->index = ret;

	dev = tty_port_register_device_attr(&port->port, nptty_tty_driver,
					    port->index, nptty_parent_dev(), port,
					    nptty_sysfs_groups);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		NL_SET_ERR_MSG_MOD(extack, "cannot register the tty device");
		idr_remove(&nptty_ports, port->index);
		goto err_unlock;
	}
	port->dev = dev;
	/* Publish only now that the port is complete. */
	idr_replace(&nptty_ports, port, port->index);
	tty_port_get(&port->port);	/* the caller's */
	mutex_unlock(&nptty_ports_lock);
	return port;

err_unlock:
	mutex_unlock(&nptty_ports_lock);
	tty_port_destroy(&port->port);
	kfree(port);
	return ERR_PTR(ret);
}

/* Look a live port of @net up by index and take a reference. */
struct nptty_port *nptty_port_get(struct net *net, unsigned int index)
{
	struct nptty_port *port;

	mutex_lock(&nptty_ports_lock);
	port = idr_find(&nptty_ports, index);
	if (port && (port->dead || (net && !net_eq(port->net, net))))
		port = NULL;
	if (port)
		tty_port_get(&port->port);
	mutex_unlock(&nptty_ports_lock);
	return port;
}

/* The live port of @net with the lowest index >= *index, referenced. */
struct nptty_port *nptty_port_get_next(struct net *net, unsigned int *index)
{
	struct nptty_port *port;
	int id = *index;

	mutex_lock(&nptty_ports_lock);
	while ((port = idr_get_next(&nptty_ports, &id))) {
		if (!port->dead && (!net || net_eq(port->net, net))) {
			tty_port_get(&port->port);
			break;
		}
		id++;
	}
	mutex_unlock(&nptty_ports_lock);
	*index = id;
	return port;
}

void nptty_port_put(struct nptty_port *port)
{
	tty_port_put(&port->port);
}

/* ->install: look the port up and reference it in one critical section. */
int nptty_port_install(struct tty_struct *tty)
{
	struct nptty_port *port;
	unsigned long flags;
	int ret;

	mutex_lock(&nptty_ports_lock);
	port = idr_find(&nptty_ports, tty->index);
	if (port && !port->dead)
		tty_port_get(&port->port);
	else
		port = NULL;
	mutex_unlock(&nptty_ports_lock);
	if (!port)
		return -ENODEV;

	ret = tty_port_install(&port->port, tty->driver, tty);
	if (ret) {
		tty_port_put(&port->port);
		return ret;
	}
	/*
	 * The tty core restores the termios the index had at its last close;
	 * an index outlives its ports, so take this port's own instead: kept
	 * across opens like a real serial port's, the defaults for a new one.
	 */
	spin_lock_irqsave(&port->lock, flags);
	tty->termios = port->termios;
	spin_unlock_irqrestore(&port->lock, flags);
	tty->driver_data = port;
	return 0;
}

/* Mark @port dead; false when someone else did already. */
static bool unlink_port(struct nptty_port *port)
{
	bool mine;

	mutex_lock(&nptty_ports_lock);
	mine = !port->dead;
	WRITE_ONCE(port->dead, true);
	mutex_unlock(&nptty_ports_lock);
	return mine;
}

/* ->destruct: the last reference is gone; free the index. */
void nptty_port_release_index(struct nptty_port *port)
{
	mutex_lock(&nptty_ports_lock);
	if (idr_find(&nptty_ports, port->index) == port)
		idr_remove(&nptty_ports, port->index);
	mutex_unlock(&nptty_ports_lock);
}

/*
 * Delete a port.  The caller holds a reference of its own (from a lookup);
 * the registry's reference is dropped here.
 */
void nptty_port_delete(struct nptty_port *port)
{
	if (!unlink_port(port))
		return;

	wake_up_all(&port->link.wait);	/* a blocking open gives up */
	mutex_lock(&port->port.mutex);
	nptty_link_stop(port);
	mutex_unlock(&port->port.mutex);
	/* a close draining the ring re-checks chars_in_buffer (now 0) */
	tty_port_tty_wakeup(&port->port);

	tty_port_tty_hangup(&port->port, false);
	nptty_genl_notify(port, NPTTY_NTF_REMOVED);
	tty_unregister_device(nptty_tty_driver, port->index);
	tty_port_put(&port->port);
}

static void delete_matching(struct net *net)
{
	struct nptty_port *port;
	unsigned int index = 0;

	while ((port = nptty_port_get_next(net, &index))) {
		nptty_port_delete(port);
		nptty_port_put(port);
		index++;
	}
}

/* PORT_SET: change a port's settings; they apply from the next connect. */
int nptty_port_set_cfg(struct nptty_port *port,
		       const struct nptty_port_cfg *cfg,
		       struct netlink_ext_ack *extack)
{
	unsigned long flags;
	int ret = 0;

	mutex_lock(&nptty_ports_lock);
	if (strcmp(cfg->label, port->cfg.label) &&
	    label_taken(port->net, cfg->label)) {
		NL_SET_ERR_MSG_MOD(extack, "a port with this label exists");
		ret = -EEXIST;
	} else {
		bool renamed = strcmp(cfg->label, port->cfg.label) ||
			       cfg->cmd_port != port->cfg.cmd_port;

		spin_lock_irqsave(&port->lock, flags);
		port->cfg = *cfg;
		spin_unlock_irqrestore(&port->lock, flags);
		/* udev moves its links; not dead under this lock: registered */
		if (renamed && !port->dead)
			kobject_uevent(&port->dev->kobj, KOBJ_CHANGE);
	}
	mutex_unlock(&nptty_ports_lock);
	return ret;
}

/* A consistent copy of the settings, from any context but hard irq. */
void nptty_port_get_cfg(struct nptty_port *port, struct nptty_port_cfg *cfg)
{
	unsigned long flags;

	spin_lock_irqsave(&port->lock, flags);
	*cfg = port->cfg;
	spin_unlock_irqrestore(&port->lock, flags);
}

u8 nptty_port_link_state(struct nptty_port *port)
{
	return READ_ONCE(port->link.state);
}

static void __net_exit nptty_net_pre_exit(struct net *net)
{
	delete_matching(net);
}

static struct pernet_operations nptty_net_ops = {
	.pre_exit = nptty_net_pre_exit,
};

int nptty_ports_init(void)
{
	return register_pernet_subsys(&nptty_net_ops);
}

/* Module exit: after the netlink family is gone, delete every port. */
void nptty_ports_uninit(void)
{
	unregister_pernet_subsys(&nptty_net_ops);
	delete_matching(NULL);
	idr_destroy(&nptty_ports);
}
