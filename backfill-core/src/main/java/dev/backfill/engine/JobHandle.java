package dev.backfill.engine;

import org.springframework.batch.core.job.Job;

/**
 * A built job of a backfill, with the tasklet of its one step: the job is launched, and
 * the tasklet tells what the job did in this process (rows, an estimate) and takes a
 * stop.
 *
 * @param job the job to launch
 * @param tasklet its step's tasklet
 * @param <T> the tasklet's type: a run's, a verify's or a dry-run's
 */
record JobHandle<T>(Job job, T tasklet) {
}
