/* SPDX-License-Identifier: GPL-2.0 */
/* npbench - subcommands (one file each; see main.c for the list). */
#ifndef NPBENCH_H
#define NPBENCH_H

int cmd_peer(int argc, char **argv);
int cmd_bulk(int argc, char **argv);
int cmd_rtt(int argc, char **argv);
int cmd_line(int argc, char **argv);
int cmd_drain(int argc, char **argv);
int cmd_setbaud(int argc, char **argv);
int cmd_first(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_open_many(int argc, char **argv);
int cmd_tcp_many(int argc, char **argv);

#endif
