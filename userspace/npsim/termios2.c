// SPDX-License-Identifier: GPL-2.0
/*
 * npsim: any baud rate through termios2 (BOTHER).  Kept in a file of its
 * own because <asm/termbits.h> and glibc's <termios.h> cannot be mixed.
 */
#include <asm/termbits.h>
#include <stdint.h>
#include <sys/ioctl.h>

int tty_set_baud(int fd, uint32_t baud);
int tty_get_baud(int fd, uint32_t *baud);

int tty_set_baud(int fd, uint32_t baud)
{
	struct termios2 t;

	if (ioctl(fd, TCGETS2, &t))
		return -1;
	t.c_cflag &= ~(CBAUD | (CBAUD << IBSHIFT));
	t.c_cflag |= BOTHER | (BOTHER << IBSHIFT);
	t.c_ispeed = baud;
	t.c_ospeed = baud;
	return ioctl(fd, TCSETS2, &t);
}

int tty_get_baud(int fd, uint32_t *baud)
{
	struct termios2 t;

	if (ioctl(fd, TCGETS2, &t))
		return -1;
	*baud = t.c_ospeed;
	return 0;
}
