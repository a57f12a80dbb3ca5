/**
 * The compliance report ({@code report}): built from schema's report queries, rendered as Markdown, HTML, JSON or CSV.
 */
package dev.mcpaudit.cli.report;
