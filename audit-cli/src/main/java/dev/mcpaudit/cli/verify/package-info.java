/**
 * The log's integrity: {@code verify}, {@code checkpoint}, {@code keygen}, {@code export} (the format
 * {@code verify --jsonl} reads back), {@code purge} and {@code upgrade}.
 */
package dev.mcpaudit.cli.verify;
