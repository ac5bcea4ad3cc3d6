package dev.backfill;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.test.TestOperators;

/**
 * The child JVM of {@link CrashResumeTest}: runs the crash backfill until it is killed.
 */
public final class CrashTestChild {

	private CrashTestChild() {
	}

	public static void main(String[] args) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(args[0]);
		dataSource.setUsername(args[1]);
		dataSource.setPassword(args[2]);
		String name = args[3];
		int parallelism = (args.length > 4) ? Integer.parseInt(args[4]) : 0;
		TestOperators.operator(dataSource, CrashResumeTest.backfill(name))
			.run(name, new RunOptions(0, parallelism), ProgressListener.NONE);
		System.out.println("child finished the whole run: it was not killed in time");
	}

}
