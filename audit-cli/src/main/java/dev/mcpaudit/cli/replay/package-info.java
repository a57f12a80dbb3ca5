/**
 * Replay tooling: a recorded session becomes a fixture ({@code fixture export}, {@code fixture verify}),
 * a mock backend ({@code mock}), a replay with a drift report ({@code replay}) and a diff ({@code diff}).
 * Fixtures are read and written with {@link dev.mcpaudit.fixtures.replay.Fixture}; results are compared
 * with {@link dev.mcpaudit.schema.compare.JsonComparison} under one set of
 * {@link dev.mcpaudit.schema.compare.VolatileRules}.
 */
package dev.mcpaudit.cli.replay;
