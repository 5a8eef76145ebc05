/* SPDX-License-Identifier: GPL-2.0 */
/* sysfs attributes of a ttyNP device: see sysfs.c. */
#ifndef NPTTY_SYSFS_H
#define NPTTY_SYSFS_H

#include <linux/sysfs.h>

extern const struct attribute_group *nptty_sysfs_groups[];

#endif /* NPTTY_SYSFS_H */
