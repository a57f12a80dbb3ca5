/**
 * The {@code audit-cli} command line: {@link dev.mcpaudit.cli.AuditCli} and what its commands share (exit codes,
 * option mixins, output formats, the read/write classifier). Each concern has its own package below.
 */
package dev.mcpaudit.cli;
