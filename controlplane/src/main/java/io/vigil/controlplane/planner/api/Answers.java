package io.vigil.controlplane.planner.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.vigil.controlplane.planner.api.ApiViews.Problem;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the planner throws into answers, as {@link
 * io.vigil.controlplane.planner.engine.PlannerOperations} documents: IllegalArgumentException 400,
 * NoSuchElementException 404, IllegalStateException 409, a missing or wrong token 401, each with
 * {@code {"error": "..."}}. Local to the API's controllers (not a global handler) so other
 * endpoints keep their own error answers; a stack trace never reaches the caller.
 */
final class Answers {

  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

  private Answers() {
  }

  static HttpResponse<?> of(ApiGuard guard, Supplier<HttpResponse<?>> call) {
    try {
      return call.get();
    } catch (ApiGuard.Unauthorized e) {
      return HttpResponse.status(HttpStatus.UNAUTHORIZED).body(new Problem(e.getMessage()));
    } catch (IllegalArgumentException e) {
      guard.rejected("bad_request");
      return HttpResponse.badRequest(new Problem(message(e)));
    } catch (NoSuchElementException e) {
      guard.rejected("not_found");
      return HttpResponse.notFound(new Problem(message(e)));
    } catch (IllegalStateException e) {
      guard.rejected("conflict");
      return HttpResponse.status(HttpStatus.CONFLICT).body(new Problem(message(e)));
    } catch (RuntimeException e) {
      // a bug or a store failure: the operator's log gets the trace, the caller one line
      LOG.error("API request failed", e);
      return HttpResponse.serverError(new Problem("internal error: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + message(e))));
    }
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
