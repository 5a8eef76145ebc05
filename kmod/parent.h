/* SPDX-License-Identifier: GPL-2.0 */
/* The parent device of every ttyNP: see parent.c. */
#ifndef NPTTY_PARENT_H
#define NPTTY_PARENT_H

struct device;

int nptty_parent_init(void);
void nptty_parent_uninit(void);
struct device *nptty_parent_dev(void);

#endif /* NPTTY_PARENT_H */
