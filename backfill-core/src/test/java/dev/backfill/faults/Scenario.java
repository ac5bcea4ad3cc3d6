package dev.backfill.faults;

import java.util.List;

import static dev.backfill.faults.PointSpec.call;
import static dev.backfill.faults.PointSpec.commit;
import static dev.backfill.faults.PointSpec.lockSession;

/**
 * A command under attack and the state it starts from, with the points of the default
 * matrix. The soak matrix takes every JobRepository call, lock and commit outside the
 * batches, every event of batches 1, 2 and the last, instead.
 */
enum Scenario {

	RUN("run", State.FRESH, Command.RUN, "launch", List.of(call("launch", InterceptedDataSource.LOCK),
			call("launch", "repo.createJobInstance"), commit("launch", Trace.COMMIT_OF + "repo.createJobInstance"),
			call("launch", "repo.createJobExecution"), call("launch", "repo.update(JobExecution)"),
			call("launch", "repo.updateExecutionContext(JobExecution)"), call("launch", "repo.createStepExecution"),
			call("launch", "repo.update(StepExecution)"), call("batch 2", "sql.timeouts"), call("batch 2", "sql.probe"),
			call("batch 2", "sql.read"), call("batch 2", "sql.work"), call("batch 2", "sql.log"),
			call("batch 2", "sql.step-context"), call("batch 2", "repo.update(StepExecution)"),
			commit("batch 2", "sql.commit"), lockSession("batch 2", "sql.commit"), commit("last batch", "sql.commit"),
			call("finish", "repo.update(StepExecution)"), call("finish", "repo.updateExecutionContext(JobExecution)"),
			call("finish", "repo.update(JobExecution)"), call("finish", "repo.update(JobExecution)", 2))),

	RESUME("resume", State.DEAD, Command.RUN, "restart",
			List.of(call("restart", "repo.getLastJobExecution(JobInstance)"),
					call("recover", "repo.update(StepExecution)"), call("recover", "repo.update(JobExecution)"),
					call("restart", "repo.createJobExecution"), call("restart", "repo.createStepExecution"),
					commit("batch 1", "sql.commit"))),

	// Spring Batch creates a partition's execution and saves its context in two
	// transactions: halted between them (after the creation), a resume once walked the
	// whole table from that partition's empty context
	RUN_IN_PARTITIONS("run in 2 partitions", State.FRESH, Command.RUN_IN_PARTITIONS, "launch",
			List.of(call("launch", "repo.createStepExecution", 2),
					call("launch", "repo.updateExecutionContext(StepExecution)", 2),
					call("launch", "repo.createStepExecution", 3), call("finish", "repo.update(JobExecution)"))),

	RESUME_IN_PARTITIONS("resume in 2 partitions", State.DEAD_IN_PARTITIONS, Command.RUN_IN_PARTITIONS, "restart",
			List.of(call("recover", "repo.update(StepExecution)"), call("restart", "repo.createStepExecution", 2),
					call("restart", "repo.updateExecutionContext(StepExecution)", 2),
					call("finish", "repo.update(JobExecution)"))),

	RUN_AFTER_ROLLBACK("run after rollback", State.ROLLED_BACK, Command.RUN, "launch",
			List.of(call("launch", "repo.createJobInstance"), call("launch", "repo.createJobExecution"))),

	ROLLBACK("rollback", State.DONE, Command.ROLLBACK, "launch",
			List.of(call("launch", "repo.createJobInstance"), call("batch 2", "sql.work"),
					commit("batch 2", "sql.commit"), call("finish", "repo.update(JobExecution)", 2))),

	ROLLBACK_DEAD("rollback of a dead run", State.DEAD, Command.ROLLBACK, "launch",
			List.of(call("recover", "repo.update(JobExecution)"))),

	VERIFY("verify", State.DONE, Command.VERIFY, "launch",
			List.of(call("launch", "repo.createJobInstance"), call("batch 2", "sql.discrepancies"),
					commit("batch 2", "sql.commit"))),

	DRY_RUN("dry-run", State.FRESH, Command.DRY_RUN, "launch", List.of(call("launch", "repo.createJobInstance"),
			commit("batch 2", "sql.commit"), call("finish", "repo.update(JobExecution)")));

	private final String description;

	private final State state;

	private final Command command;

	private final String launch;

	private final List<PointSpec> points;

	Scenario(String description, State state, Command command, String launch, List<PointSpec> points) {
		this.description = description;
		this.state = state;
		this.command = command;
		this.launch = launch;
		this.points = points;
	}

	String description() {
		return this.description;
	}

	State state() {
		return this.state;
	}

	Command command() {
		return this.command;
	}

	/**
	 * @return what the phase before the first batch is called
	 */
	String launch() {
		return this.launch;
	}

	/**
	 * @return the points of the default matrix
	 */
	List<PointSpec> points() {
		return this.points;
	}

}
