package dev.backfill.boot.actuate;

import java.util.function.Supplier;

import dev.backfill.BackfillAlreadyRunningException;
import dev.backfill.BackfillException;
import dev.backfill.BackfillOrderException;
import dev.backfill.CannotEstimateException;
import dev.backfill.NoSuchBackfillException;
import dev.backfill.OneWayBackfillException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@link BackfillsEndpoint} over HTTP: an action the caller may not take
 * ({@link ActionAccess#overHttp}) is a 403, an unknown backfill a 404, an unknown action
 * a 400, starting a backfill that runs (or a dry-run that cannot estimate) a 409, each
 * with the message that says what is valid; work that goes on in the background is a 202.
 *
 * @since 0.1.0
 */
@EndpointWebExtension(endpoint = BackfillsEndpoint.class)
public class BackfillsEndpointWebExtension {

	private final BackfillsEndpoint endpoint;

	/**
	 * Creates the extension.
	 * @param endpoint the endpoint it answers for
	 */
	public BackfillsEndpointWebExtension(BackfillsEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * @param name the backfill name
	 * @return the backfill with its recent batches, or a 404 naming the declared
	 * backfills
	 */
	@ReadOperation
	public WebEndpointResponse<Object> backfill(@Selector String name) {
		return answer(() -> new WebEndpointResponse<>(this.endpoint.backfill(name)));
	}

	/**
	 * Takes an action on a backfill.
	 * @param securityContext who asks
	 * @param name the backfill name
	 * @param action what to do
	 * @param parallelism for a start, the partitions of a new run (its configured or
	 * declared parallelism when absent)
	 * @param remote for a start, whether worker processes walk the partitions
	 * @return what was done: 200, or 202 when it goes on in the background; else 403,
	 * 400, 404, 409 or 500 with a message
	 */
	@WriteOperation
	public WebEndpointResponse<Object> act(SecurityContext securityContext, @Selector String name,
			@Nullable String action, @Nullable Integer parallelism, @Nullable Boolean remote) {
		return answer(() -> {
			BackfillActions.ActionResult result = this.endpoint.actOverHttp(securityContext, name, action, parallelism,
					remote);
			return new WebEndpointResponse<>(result, result.inProgress() ? 202 : WebEndpointResponse.STATUS_OK);
		});
	}

	private static WebEndpointResponse<Object> answer(Supplier<WebEndpointResponse<Object>> call) {
		try {
			return call.get();
		}
		catch (ActionsRefusedException ex) {
			return problem(403, ex.getMessage());
		}
		catch (NoSuchBackfillException ex) {
			return problem(WebEndpointResponse.STATUS_NOT_FOUND, ex.getMessage());
		}
		catch (InvalidEndpointRequestException ex) {
			return problem(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage());
		}
		// the backfill's or the table's state stands in the way: a run, an empty table, a
		// read-only standby, a rollback asked of a one-way backfill, one it runs after
		// not done
		catch (BackfillAlreadyRunningException | CannotEstimateException | OneWayBackfillException
				| BackfillOrderException ex) {
			return problem(409, ex.getMessage());
		}
		catch (BackfillException ex) {
			return problem(WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR, ex.getMessage());
		}
	}

	private static WebEndpointResponse<Object> problem(int status, @Nullable String message) {
		return new WebEndpointResponse<>(new Problem(status, message), status);
	}

	/**
	 * Why a request was refused.
	 *
	 * @param status the HTTP status
	 * @param message the problem, and what is valid
	 * @since 0.1.0
	 */
	public record Problem(int status, @Nullable String message) implements OperationResponseBody {
	}

}
