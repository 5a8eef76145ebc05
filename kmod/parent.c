// SPDX-License-Identifier: GPL-2.0
/*
 * The parent device of every ttyNP: one platform device "nptty" bound to
 * the platform driver "nptty", so each tty sits at
 * /sys/devices/platform/nptty/tty/ttyNP<N> with a "device" link and a
 * driver behind it, as the ttys of a real serial card do.  Serial port
 * enumerators built on libudev or sysfs (Qt's QSerialPortInfo,
 * libserialport) skip ttys without a parent device or under
 * /sys/devices/virtual, so without it the ports would be invisible to
 * them.
 *
 * The device carries no resources and the driver does nothing but bind.
 * Lifetime: created at module init before any port can be added, and
 * removed at module exit after every port (and so every child tty
 * device) has been deleted.
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/platform_device.h>

#include "parent.h"

#define NPTTY_PARENT_NAME	"nptty"

static struct platform_device *parent_pdev;

static int parent_probe(struct platform_device *pdev)
{
	return 0;
}

static struct platform_driver parent_driver = {
	.probe = parent_probe,
	.driver = {
		.name = NPTTY_PARENT_NAME,
		/* no unbind through sysfs while ttys hang below */
		.suppress_bind_attrs = true,
	},
};

int nptty_parent_init(void)
{
	int ret;

	ret = platform_driver_register(&parent_driver);
	if (ret)
		goto err_driver;
	parent_pdev = platform_device_register_simple(NPTTY_PARENT_NAME,
						      PLATFORM_DEVID_NONE,
						      NULL, 0);
	if (IS_ERR(parent_pdev)) {
		ret = PTR_ERR(parent_pdev);
		goto err_device;
	}
	return 0;

err_device:
	platform_driver_unregister(&parent_driver);
err_driver:
	parent_pdev = NULL;
	return ret;
}

void nptty_parent_uninit(void)
{
	platform_device_unregister(parent_pdev);
	platform_driver_unregister(&parent_driver);
	parent_pdev = NULL;
}

/* The device to register every ttyNP under; valid between init and uninit. */
struct device *nptty_parent_dev(void)
{
	return &parent_pdev->dev;
}
