/**
 * {@code audit-cli demo}: the product shown end to end without AWS. A recorded session stands in
 * for the AWS MCP Server, a local STS names the accounts, the real proxy is started over stdio as
 * an agent starts it, and the log it writes is then read as a reviewer reads it.
 */
package dev.mcpaudit.cli.demo;
