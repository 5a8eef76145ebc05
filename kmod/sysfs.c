// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs attributes of each /sys/class/tty/ttyNP<N>, read by the udev rules
 * (udev/60-nptty.rules) to name stable symlinks: address, data_port,
 * cmd_port, label, link_state.  They are passed to the device registration,
 * so they exist before the "add" uevent.  Read-only; drvdata is the port,
 * which outlives its device (the registry reference is dropped after
 * tty_unregister_device()).
 */
#include <linux/device.h>
#include <linux/in.h>
#include <linux/in6.h>

#include "port.h"
#include "sysfs.h"

static struct nptty_port *dev_port(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t address_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct nptty_port_cfg cfg;

	nptty_port_get_cfg(dev_port(dev), &cfg);
	if (cfg.addr.ss_family == AF_INET6)
		return sysfs_emit(buf, "%pI6c\n",
				  &((struct sockaddr_in6 *)&cfg.addr)->sin6_addr);
	return sysfs_emit(buf, "%pI4\n",
			  &((struct sockaddr_in *)&cfg.addr)->sin_addr);
}
static DEVICE_ATTR_RO(address);

static ssize_t data_port_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct nptty_port_cfg cfg;

	nptty_port_get_cfg(dev_port(dev), &cfg);
	/* sin_port and sin6_port sit at the same offset */
	return sysfs_emit(buf, "%u\n",
			  ntohs(((struct sockaddr_in *)&cfg.addr)->sin_port));
}
static DEVICE_ATTR_RO(data_port);

static ssize_t cmd_port_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct nptty_port_cfg cfg;

	nptty_port_get_cfg(dev_port(dev), &cfg);
	return sysfs_emit(buf, "%u\n", cfg.cmd_port);
}
static DEVICE_ATTR_RO(cmd_port);

static ssize_t label_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct nptty_port_cfg cfg;

	nptty_port_get_cfg(dev_port(dev), &cfg);
	return sysfs_emit(buf, "%s\n", cfg.label);
}
static DEVICE_ATTR_RO(label);

static const char *const state_names[] = {
	[NPTTY_LINK_IDLE] = "idle",
	[NPTTY_LINK_CONNECTING] = "connecting",
	[NPTTY_LINK_UP] = "up",
	[NPTTY_LINK_BACKOFF] = "backoff",
	[NPTTY_LINK_FAILED] = "failed",
};

static ssize_t link_state_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	u8 s = nptty_port_link_state(dev_port(dev));

	if (s >= ARRAY_SIZE(state_names) || !state_names[s])
		return sysfs_emit(buf, "unknown\n");
	return sysfs_emit(buf, "%s\n", state_names[s]);
}
static DEVICE_ATTR_RO(link_state);

static struct attribute *nptty_attrs[] = {
	&dev_attr_address.attr,
	&dev_attr_data_port.attr,
	&dev_attr_cmd_port.attr,
	&dev_attr_label.attr,
	&dev_attr_link_state.attr,
	NULL
};

static const struct attribute_group nptty_attr_group = {
	.attrs = nptty_attrs,
};

const struct attribute_group *nptty_sysfs_groups[] = {
	&nptty_attr_group,
	NULL
};
