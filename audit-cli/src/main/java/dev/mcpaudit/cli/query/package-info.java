/**
 * Listing what the log holds: {@code calls}, {@code sessions}, {@code show}.
 */
package dev.mcpaudit.cli.query;
