package dev.backfill.boot;

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
	void userSettingsWinOverCommandLineDefaults() {
		StandardEnvironment environment = environment("backfill", "status", "--logging.level.root=INFO");
		assertThat(environment.getProperty("logging.level.root")).isEqualTo("INFO");
	}

	@Test
	void otherArgumentsLeaveTheApplicationAlone() {
		StandardEnvironment environment = environment("serve", "backfill");
		assertThat(environment.getProperty("spring.main.web-application-type")).isNull();
	}

	private static StandardEnvironment environment(String... args) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
		new CliEnvironment().postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
