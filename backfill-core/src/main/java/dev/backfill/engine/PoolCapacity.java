package dev.backfill.engine;

import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfigMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ClassUtils;

/**
 * Makes room in the connection pool for a run's partitions, so that none waits for a
 * connection: each walking partition holds its own lock's session, its batch's, and one
 * for the checks outside the batch. A HikariCP pool (Spring Boot's default) is grown at
 * run time; another pool is left as it is, with a warning when it says it is too small.
 */
final class PoolCapacity {

	private static final Logger logger = LoggerFactory.getLogger(PoolCapacity.class);

	private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariConfigMXBean",
			PoolCapacity.class.getClassLoader());

	/** The run lock's session, and the manager's own work in the job repository. */
	private static final int BESIDE_PARTITIONS = 3;

	private static final int PER_PARTITION = 3;

	private PoolCapacity() {
	}

	/**
	 * @param threads partitions walked at once in this process
	 * @return the connections they need, with the run's own
	 */
	static int needed(int threads) {
		return BESIDE_PARTITIONS + PER_PARTITION * threads;
	}

	/**
	 * Grows a HikariCP pool to what a run needs, if it is smaller.
	 * @param dataSource the target database
	 * @param name the backfill, for the log
	 * @param threads partitions walked at once in this process
	 */
	static void ensure(DataSource dataSource, String name, int threads) {
		int needed = needed(threads);
		if (!HIKARI) {
			return;
		}
		try {
			if (!dataSource.isWrapperFor(HikariConfigMXBean.class)) {
				return;
			}
			HikariConfigMXBean pool = dataSource.unwrap(HikariConfigMXBean.class);
			int size = pool.getMaximumPoolSize();
			if (size < needed) {
				logger.info("Backfill '{}': the connection pool grows from {} to {} connections, for {} partitions "
						+ "walked at once", name, size, needed, threads);
				pool.setMaximumPoolSize(needed);
			}
		}
		catch (SQLException ex) {
			logger.debug("Backfill '{}': could not look at the connection pool: {}", name, ex.getMessage());
		}
	}

}
