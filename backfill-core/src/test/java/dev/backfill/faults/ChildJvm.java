package dev.backfill.faults;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a JVM of its own, with this JVM's classpath, and waits for it to
 * exit.
 */
final class ChildJvm {

	private ChildJvm() {
	}

	/**
	 * @param exitCode how it exited
	 * @param output what it printed, stdout and stderr together
	 */
	record Exit(int exitCode, String output) {
	}

	static Exit run(Class<?> main, Duration timeout, List<String> args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(
				List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
						"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-cp",
						System.getProperty("java.class.path"), main.getName()));
		command.addAll(args);
		Path output = Files.createTempFile("fault-child", ".log");
		try {
			Process child = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				child.destroyForcibly().waitFor();
				return new Exit(-1,
						"still running after " + timeout.toSeconds() + " s, killed\n" + Files.readString(output));
			}
			return new Exit(child.exitValue(), Files.readString(output));
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

}
