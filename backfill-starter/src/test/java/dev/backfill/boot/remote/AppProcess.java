package dev.backfill.boot.remote;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import static org.assertj.core.api.Assertions.fail;

/**
 * A {@link RemoteApp} process: a run's or a worker's, started with the test's classpath
 * on the test's database and broker, killed or waited for.
 */
final class AppProcess {

	private final Process process;

	private final Path output;

	private final String what;

	private AppProcess(Process process, Path output, String what) {
		this.process = process;
		this.output = output;
		this.what = what;
	}

	static AppProcess start(HikariDataSource database, String broker, String queue, List<String> settings,
			String... command) throws IOException {
		List<String> args = java(database);
		args.addAll(List.of(command));
		args.add("--spring.rabbitmq.addresses=" + broker);
		args.add("--backfill.remote.queue=" + queue);
		args.addAll(settings);
		return launch(args, "remote-" + command[1], String.join(" ", command));
	}

	/**
	 * A {@link RemoteApp} process as an application is deployed: no command and no
	 * broker, kept alive until it is stopped.
	 */
	static AppProcess app(HikariDataSource database, List<String> settings, String what) throws IOException {
		List<String> args = java(database);
		args.add("--spring.main.keep-alive=true");
		args.add("--spring.autoconfigure.exclude=dev.backfill.boot.remote.BackfillRemoteAutoConfiguration");
		args.addAll(settings);
		return launch(args, "app-", what);
	}

	// the test's JVM and classpath, on the test's database, with no web server
	private static List<String> java(HikariDataSource database) {
		List<String> args = new ArrayList<>(List.of(
				System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), RemoteApp.class.getName()));
		args.add("--spring.datasource.url=" + database.getJdbcUrl());
		args.add("--spring.datasource.username=" + database.getUsername());
		args.add("--spring.datasource.password=" + ((database.getPassword() != null) ? database.getPassword() : ""));
		args.add("--spring.main.web-application-type=none");
		args.add("--spring.main.banner-mode=off");
		return args;
	}

	private static AppProcess launch(List<String> args, String log, String what) throws IOException {
		Path output = Files.createTempFile(log, ".log");
		Process process = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		return new AppProcess(process, output, what);
	}

	/** Waits until the process printed a line, such as a worker's readiness. */
	AppProcess awaitOutput(String text, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!Files.readString(this.output).contains(text)) {
			if (!this.process.isAlive()) {
				fail("'%s' exited with %d before printing '%s':%n%s", this.what, this.process.exitValue(), text,
						output());
			}
			if (System.nanoTime() > deadline) {
				fail("'%s' printed no '%s' in %s:%n%s", this.what, text, timeout, output());
			}
			Thread.sleep(100);
		}
		return this;
	}

	int awaitExit(Duration timeout) throws Exception {
		if (!this.process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly();
			fail("'%s' did not end in %s:%n%s", this.what, timeout, output());
		}
		return this.process.exitValue();
	}

	/** Stops the process as SIGTERM does, and waits for it to end. */
	int terminate(Duration timeout) throws Exception {
		this.process.destroy();
		return awaitExit(timeout);
	}

	/** Kills the process as kill -9 does. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly().waitFor();
	}

	/** Suspends the process (SIGSTOP): it holds its sessions and does nothing. */
	void suspend() throws Exception {
		new ProcessBuilder("kill", "-STOP", String.valueOf(this.process.pid())).start().waitFor();
	}

	boolean alive() {
		return this.process.isAlive();
	}

	String output() throws IOException {
		return Files.readString(this.output);
	}

	long pid() {
		return this.process.pid();
	}

}
