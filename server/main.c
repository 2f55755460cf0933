/* main: the clew program: dispatches to one sub-command (git-style). */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

#ifndef CLEW_VERSION
#define CLEW_VERSION "0"
#endif

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "serve", cmd_serve, "serve the API, the wizard and articles over HTTP" },
	{ "compile", cmd_compile, "compile Markdown FAQ articles into a SQLite KB" },
	{ "show", cmd_show, "print one article of a compiled KB" },
	{ "search", cmd_search, "full-text search a compiled KB" },
	{ "diagnose", cmd_diagnose, "rank likely causes and pick the next question" },
	{ "tree", cmd_tree, "print the whole decision tree (text, JSON, DOT)" },
	{ "probe", cmd_probe, "detect Bluetooth audio facts from BlueZ (Linux)" },
	{ "learn", cmd_learn, "learn cause priors and fix rates from outcomes" },
	{ "report", cmd_report, "is it helping? sessions, fixes, searches, votes" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(*commands))

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: clew [--version] [--help] COMMAND [ARGS]\n"
		"\n"
		"Clew: a self-hosted troubleshooting knowledge base.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'clew COMMAND --help' describes one command.\n");
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name) {
		print_help(stderr);
		return 2;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("clew %s\n", CLEW_VERSION);
		return 0;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
	    !strcmp(name, "help")) {
		if (argc > 2 && strcmp(name, "--help")) {
			for (size_t i = 0; i < NR_COMMANDS; i++)
				if (!strcmp(argv[2], commands[i].name)) {
					char *args[] = { argv[2], "--help", NULL };
					return commands[i].run(2, args);
				}
		}
		print_help(stdout);
		return 0;
	}
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "clew: '%s' is not a command\n\n", name);
	print_help(stderr);
	return 2;
}
