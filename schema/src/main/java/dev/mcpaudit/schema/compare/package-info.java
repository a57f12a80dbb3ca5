/**
 * The one comparison engine behind replay drift, {@code audit-cli diff} and the mock backend's
 * matching, with the one set of volatile-field rules they share.
 *
 * <ul>
 *   <li>{@link dev.mcpaudit.schema.compare.VolatileRules}: what does not count (per-call keys,
 *       the JSON-RPC id, user pointers and keys, times and ids of volatile shape);
 *   <li>{@link dev.mcpaudit.schema.compare.JsonComparison}: recorded vs actual JSON, as
 *       {@link dev.mcpaudit.schema.compare.Difference}s by RFC 6901 pointer plus a count of ignored paths;
 *   <li>{@link dev.mcpaudit.schema.compare.CallKey}: when two calls are the same call;
 *   <li>{@link dev.mcpaudit.schema.compare.SequenceAlignment}: two call sequences lined up as
 *       same / changed / removed / added, with {@link dev.mcpaudit.schema.compare.JsonSimilarity}
 *       to pair a call with its nearest counterpart.
 * </ul>
 *
 * <pre>{@code
 * VolatileRules rules = VolatileRules.defaults().ignore("/Owner/DisplayName").ignoreKey("ETag");
 * Comparison c = JsonComparison.compare(recordedResult, liveResult, rules);
 * if (!c.matches()) c.differences().forEach(d -> print(d.pointer(), d.recorded(), d.actual()));
 *
 * List<Step<Call>> steps = SequenceAlignment.align(sessionA, sessionB,
 *         call -> CallKey.of(call.tool(), call.args(), rules).toString(),
 *         (x, y) -> JsonSimilarity.between(x.args(), y.args()),
 *         (x, y) -> x.tool().equals(y.tool()));
 * }</pre>
 *
 * Everything here is a pure function of its inputs: no I/O, no clock, no shared state.
 */
package dev.mcpaudit.schema.compare;
