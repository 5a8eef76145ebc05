/* SPDX-License-Identifier: GPL-2.0 */
/* The ttyNP driver: see tty.c. */
#ifndef NPTTY_TTY_H
#define NPTTY_TTY_H

#include <linux/tty_driver.h>
#include <linux/tty.h>

extern struct tty_driver *nptty_tty_driver;
extern const struct tty_port_operations nptty_port_ops;

int nptty_tty_init(unsigned int lines);
void nptty_tty_uninit(void);

#endif /* NPTTY_TTY_H */
