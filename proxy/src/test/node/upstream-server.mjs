// The official MCP TypeScript SDK's Streamable-HTTP server, as an upstream the proxy did not write.
// Like the SDK servers in the field, it holds each session's GET listening stream open and silent.
// Prints "PORT <n>" on stdout once listening on 127.0.0.1; GET /stats reports sessions and DELETEs.
import express from 'express';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const sessions = {};
const stats = { initialized: 0, deletes: 0, slowCallsStarted: 0 };

function mcpServer() {
  const server = new McpServer({ name: 'ts-sdk-upstream', version: '1.0.0' });
  server.tool('aws___call_aws', { cli_command: z.string() },
    async ({ cli_command }) => ({ content: [{ type: 'text', text: 'ran: ' + cli_command }] }));
  server.tool('slow', { ms: z.number() }, async ({ ms }) => {
    stats.slowCallsStarted++;
    await new Promise(resolve => setTimeout(resolve, ms));
    return { content: [{ type: 'text', text: 'slow done' }] };
  });
  return server;
}

const app = express();
app.use(express.json({ limit: '50mb' }));
app.get('/stats', (req, res) => res.json({ ...stats, live: Object.keys(sessions).length }));
app.all('/mcp', async (req, res) => {
  const id = req.headers['mcp-session-id'];
  if (req.method === 'DELETE') stats.deletes++;
  let transport = id ? sessions[id] : undefined;
  if (!transport) {
    if (req.method !== 'POST' || req.body?.method !== 'initialize') {
      res.status(404).json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
      return;
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: sid => { sessions[sid] = transport; stats.initialized++; },
    });
    transport.onclose = () => { if (transport.sessionId) delete sessions[transport.sessionId]; };
    await mcpServer().connect(transport);
  }
  await transport.handleRequest(req, res, req.body);
});
const listener = app.listen(0, '127.0.0.1', () => console.log('PORT ' + listener.address().port));
