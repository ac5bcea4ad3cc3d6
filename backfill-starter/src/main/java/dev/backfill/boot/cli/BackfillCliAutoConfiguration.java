package dev.backfill.boot.cli;

import java.util.List;

import dev.backfill.BackfillOperator;
import dev.backfill.boot.autoconfigure.BackfillAutoConfiguration;
import dev.backfill.boot.autoconfigure.BackfillProperties;
import dev.backfill.boot.remote.PartitionWorkers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code backfill} command line: one {@link BackfillCommand} bean per
 * command, each named {@code backfill<Command>Command} (such as
 * {@code backfillStatusCommand}); a bean of that name replaces it, and a
 * {@link BackfillCommandRunner} bean replaces the runner.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = BackfillAutoConfiguration.class)
@ConditionalOnBean(BackfillOperator.class)
public final class BackfillCliAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "backfillListCommand")
	BackfillCommand backfillListCommand(BackfillOperator operator) {
		return new ListCommand(operator);
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillRunCommand")
	BackfillCommand backfillRunCommand(BackfillOperator operator, BackfillProperties properties) {
		return new RunCommand(operator, properties.getCli().getProgressInterval());
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillDryRunCommand")
	BackfillCommand backfillDryRunCommand(BackfillOperator operator, BackfillProperties properties) {
		return new DryRunCommand(operator, () -> properties.getDryRun().toOptions());
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillVerifyCommand")
	BackfillCommand backfillVerifyCommand(BackfillOperator operator, BackfillProperties properties) {
		return new VerifyCommand(operator, properties.getJdbc().getTablePrefix());
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillRollbackCommand")
	BackfillCommand backfillRollbackCommand(BackfillOperator operator, BackfillProperties properties) {
		return new RollbackCommand(operator, properties.getCli().getProgressInterval());
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillStopCommand")
	BackfillCommand backfillStopCommand(BackfillOperator operator) {
		return new StopCommand(operator);
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillPauseCommand")
	BackfillCommand backfillPauseCommand(BackfillOperator operator) {
		return new PauseCommand(operator, true);
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillResumeCommand")
	BackfillCommand backfillResumeCommand(BackfillOperator operator) {
		return new PauseCommand(operator, false);
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillStatusCommand")
	BackfillCommand backfillStatusCommand(BackfillOperator operator) {
		return new StatusCommand(operator);
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillCheckCommand")
	BackfillCommand backfillCheckCommand(BackfillOperator operator) {
		return new CheckCommand(operator);
	}

	@Bean
	@ConditionalOnMissingBean(name = "backfillWorkerCommand")
	BackfillCommand backfillWorkerCommand(ObjectProvider<PartitionWorkers> workers) {
		return new WorkerCommand(workers);
	}

	// a command checks the declarations itself, where the application's start would
	// (BackfillAutoConfiguration), so that one the database refuses exits with code 2 and
	// its message rather than a failed start
	@Bean
	@ConditionalOnMissingBean
	BackfillCommandRunner backfillCommandRunner(List<BackfillCommand> commands, ApplicationContext context,
			BackfillProperties properties, BackfillOperator operator) {
		return new BackfillCommandRunner(commands, context, properties.getCli().isExit(), System.out,
				properties.isValidateOnStartup() ? operator::validate : () -> {
				});
	}

}
