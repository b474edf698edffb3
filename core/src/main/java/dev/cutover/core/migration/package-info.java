/**
 * The migration engine: {@link dev.cutover.core.migration.Migration} (options) →
 * {@link dev.cutover.core.migration.MigrationPlan} (every decision, made once, fingerprinted) →
 * a run (the steps obey the plan), under one lock, journalled, with an append-only audit trail.
 *
 * <h2>How it fits together</h2>
 * <ul>
 *   <li>{@code MigrationOptions}: every option, one immutable record, journalled as it is (so a
 *       resume rebuilds the same migration). {@code Wiring}: the ports, listener, clock, redactor.</li>
 *   <li>{@code Planner} (with {@code SourceRules} for the Heroku→Aptible mapping and
 *       {@code InputChecks}) decides everything into {@code Decisions}, held by the plan: port (from
 *       the {@link dev.cutover.core.spi.RepoPreparation} preview), config actions, services, endpoints,
 *       repository changes, {@link dev.cutover.core.migration.DataMove data moves}. {@code PlanJson}
 *       is the canonical JSON the fingerprint hashes; {@code PlanDiff} names what changed.</li>
 *   <li>{@code Steps} is the chain of {@code Step}s, in pipeline order; {@code Runner} owns only the
 *       loop (journal status, events, interruption, the verification gate); {@code Attempt} opens
 *       and closes one run, resume or rollback (approval check, {@code MigrationLock}, journal, the
 *       attempt's first event); {@code Rollback} replays the undo records.</li>
 *   <li>{@code Journal}: the current state (atomic rewrite). {@code EventLog}: the history
 *       (append-only, hash-chained JSON Lines). {@code ReportAssembler} builds the report from both
 *       ({@code History}, {@code FollowUps}, {@code TargetResources}).</li>
 * </ul>
 *
 * <h2>How to add a step</h2>
 * <ol>
 *   <li>Add its constant to {@link dev.cutover.core.migration.MigrationStep}, in pipeline order (its
 *       id names it in events, journal and report).</li>
 *   <li>Write one package-private class implementing {@code Step}: {@code describe(plan)} for the
 *       plan, {@code skipReason(plan)} when the plan does not need it (e.g. no data move of its kind),
 *       {@code cutover()} when it may only run after verification, and {@code run(ctx)}, which reads
 *       {@code ctx.plan()} and decides nothing. It must be safe to run again after a failure or a
 *       kill: keep per-move progress in {@code ctx.move(m)} (the journal), call {@code ctx.save()}
 *       after each durable change, and open resources through {@code ctx.tunnels()}/{@code ctx.dumps()}.</li>
 *   <li>Add one instance to the list in {@code Steps}. The runner does the rest (RUNNING/DONE/FAILED,
 *       events, listener, interruption, the gate, the report's step table).</li>
 *   <li>A new decision the step needs goes into the plan (a field of {@code Decisions}, or a new
 *       {@link dev.cutover.core.migration.DataMove} kind for new data) and into {@code PlanJson} (or
 *       the move's {@code decisions()}), so the fingerprint covers it.</li>
 * </ol>
 *
 * <h2>How a step registers an undo</h2>
 * Before (or as) it changes something on the source, the step calls
 * {@code ctx.registerUndo(id(), key, "what the rollback will do", params)}: journalled at once,
 * idempotent per {@code key}. It implements {@code undo(record, ctx)} to give that change back (with
 * {@code record.params}) and returns one line saying what it did. {@link
 * dev.cutover.core.migration.MigrationPlan#rollback} replays every pending record, newest first,
 * journals each one done, and marks a step REVERTED only when all its records were undone. The
 * maintenance-on step is the example: it registers "turn maintenance off" before calling Heroku.
 *
 * <h2>How to add an option</h2>
 * Add a component (with its {@code with...} method and its range check in {@code validate}) to
 * {@link dev.cutover.core.migration.MigrationOptions}; read it in the one step that uses it
 * ({@code ctx.plan().options()}); add the flag to the CLI. Nothing else: the journal stores the
 * record as it is, a resume reads it back, the canonical plan (and so the fingerprint) includes it,
 * and a journal written before the option existed reads it as 0/false/empty.
 */
package dev.cutover.core.migration;
