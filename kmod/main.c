// SPDX-License-Identifier: GPL-2.0
/*
 * nptty: a serial port on a remote Moxa NPort as a local /dev/ttyNP<N>.
 * Module init and exit only; see port.c for the locking and lifetime rules.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <linux/nptty.h>

#include "link.h"
#include "netlink.h"
#include "parent.h"
#include "port.h"
#include "tty.h"

unsigned int nptty_max_ports = 1024;
module_param_named(max_ports, nptty_max_ports, uint, 0444);
MODULE_PARM_DESC(max_ports, "Number of ttyNP minors (1..65536, default 1024)");

static int __init nptty_init(void)
{
	int ret;

	if (nptty_max_ports < 1 || nptty_max_ports > 65536) {
		pr_err("max_ports must be 1..65536\n");
		return -EINVAL;
	}
	ret = nptty_link_wq_init();
	if (ret)
		goto err_wq;
	ret = nptty_parent_init();
	if (ret)
		goto err_parent;
	ret = nptty_tty_init(nptty_max_ports);
	if (ret)
		goto err_tty;
	ret = nptty_ports_init();
	if (ret)
		goto err_ports;
	ret = nptty_genl_init();
	if (ret)
		goto err_genl;
	return 0;

err_genl:
	nptty_ports_uninit();
err_ports:
	nptty_tty_uninit();
err_tty:
	nptty_parent_uninit();
err_parent:
	nptty_link_wq_uninit();
err_wq:
	return ret;
}

static void __exit nptty_exit(void)
{
	nptty_genl_uninit();
	nptty_ports_uninit();
	nptty_tty_uninit();
	nptty_parent_uninit();
	nptty_link_wq_uninit();
}

module_init(nptty_init);
module_exit(nptty_exit);

MODULE_DESCRIPTION("Moxa NPort serial ports as local ttys");
MODULE_AUTHOR("The nptty authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(NPTTY_VERSION);
MODULE_ALIAS_GENL_FAMILY(NPTTY_FAMILY_NAME);
