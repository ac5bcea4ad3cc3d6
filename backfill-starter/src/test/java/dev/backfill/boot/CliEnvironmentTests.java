package dev.backfill.boot;

import java.util.List;

import dev.backfill.boot.cli.CliEnvironment;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class CliEnvironmentTests {

	@Test
	void backfillCommandsRunWithoutWebServerOrOtherJobs() {
		StandardEnvironment environment = environment("backfill", "run", "x", "--batch-size=5");
		assertThat(environment.getProperty("spring.main.web-application-type")).isEqualTo("none");
		assertThat(environment.getProperty("spring.batch.job.enabled")).isEqualTo("false");
	}

	@Test
	void aCommandStartsWithoutTheEndpointThePageAndTheRemoteFlows() {
		assertThat(excluded("backfill", "status")).containsExactlyInAnyOrder(
				"dev.backfill.boot.actuate.BackfillEndpointAutoConfiguration",
				"dev.backfill.boot.actuate.BackfillHealthAutoConfiguration",
				"dev.backfill.boot.web.BackfillStatusPageAutoConfiguration",
				"dev.backfill.boot.remote.BackfillRemoteAutoConfiguration");
		assertThat(excluded("backfill", "run", "x", "--parallelism=4"))
			.contains("dev.backfill.boot.remote.BackfillRemoteAutoConfiguration");
	}

	@Test
	void aWorkerAndARemoteRunKeepTheRemoteFlows() {
		for (String[] args : new String[][] { { "backfill", "worker" }, { "backfill", "run", "x", "--remote" },
				{ "backfill", "rollback", "x", "--remote", "--parallelism=4" } }) {
			assertThat(excluded(args)).as(String.join(" ", args))
				.doesNotContain("dev.backfill.boot.remote.BackfillRemoteAutoConfiguration")
				.contains("dev.backfill.boot.actuate.BackfillEndpointAutoConfiguration");
		}
	}

	@Test
	void anApplicationsOwnExclusionsReplaceTheCommandsList() {
		assertThat(excluded("backfill", "status", "--spring.autoconfigure.exclude=com.example.Other"))
			.containsExactly("com.example.Other");
	}

	@Test
	void userSettingsWinOverCommandLineDefaults() {
		StandardEnvironment environment = environment("backfill", "status", "--logging.level.root=INFO");
		assertThat(environment.getProperty("logging.level.root")).isEqualTo("INFO");
	}

	@Test
	void otherArgumentsLeaveTheApplicationAlone() {
		StandardEnvironment environment = environment("serve", "backfill");
		assertThat(environment.getProperty("spring.main.web-application-type")).isNull();
	}

	private static List<String> excluded(String... args) {
		return List.of(environment(args).getRequiredProperty("spring.autoconfigure.exclude").split(","));
	}

	private static StandardEnvironment environment(String... args) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
		new CliEnvironment().postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
