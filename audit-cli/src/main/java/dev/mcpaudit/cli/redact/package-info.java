/**
 * {@code redact}: what the redaction rules do to a sample, before anything is recorded.
 */
package dev.mcpaudit.cli.redact;
