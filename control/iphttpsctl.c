/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * iphttpsctl: the operator's command line. Commands come from one table that
 * drives both dispatch and usage; a unique prefix of a command is accepted.
 * Today: `check FILE` validates a config without touching a running daemon.
 * The control-socket commands (show, clients, reload, ...) join this table
 * with the control-plane issue.
 */
#include <stdio.h>
#include <string.h>

#include "appliance_config.h"

struct command {
	const char *name;
	const char *args;
	int (*run)(int argc, char **argv);
	const char *help;
};

static int cmd_check(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "check", "FILE", cmd_check, "validate a config file; print every error as file:line:col: message" },
	{ "help", "", cmd_help, "show this help" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: iphttpsctl COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-6s %-6s %s\n", commands[i].name, commands[i].args, commands[i].help);
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	static struct iphttps_config config;
	static struct config_errors errors;

	if (argc != 2) {
		fprintf(stderr, "iphttpsctl: check takes one FILE\n");
		return 2;
	}
	if (config_load(argv[1], &config, &errors) == 0) {
		printf("%s: ok\n", argv[1]);
		return 0;
	}
	for (unsigned int i = 0; i < errors.count; i++)
		fprintf(stderr, "%s\n", errors.error[i].message);
	if (errors.dropped)
		fprintf(stderr, "%s: %u more errors not shown\n", argv[1], errors.dropped);
	return 1;
}

int main(int argc, char **argv)
{
	const struct command *match = NULL;
	size_t len;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	len = strlen(argv[1]);
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(commands[i].name, argv[1]) == 0) {
			match = &commands[i];
			break;
		}
		if (strncmp(commands[i].name, argv[1], len) == 0) {
			if (match) {
				fprintf(stderr, "iphttpsctl: '%s' is ambiguous: %s, %s\n", argv[1], match->name,
					commands[i].name);
				return 2;
			}
			match = &commands[i];
		}
	}
	if (!match) {
		fprintf(stderr, "iphttpsctl: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return match->run(argc - 1, argv + 1);
}
