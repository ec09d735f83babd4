"""API errors and admin-route helpers shared by the provider simulators."""

from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from aiohttp import web


class ApiError(Exception):
    """An error a simulated API answers in its own format."""

    def __init__(
        self, status: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        """Describe the answer: HTTP status, message, extra response headers."""
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def response(self) -> web.Response:
        """The answer to send."""
        raise NotImplementedError


class ErrorMessageApiError(ApiError):
    """An API error answered as ``{"error": message}`` with a status (FaceSpace, Moonsense)."""

    def body(self) -> dict[str, str]:
        """The JSON body: ``{"error": message}``."""
        return {"error": self.message}

    def response(self) -> web.Response:
        """Render the error as an HTTP response."""
        return web.json_response(self.body(), status=self.status, headers=self.headers)


class DeliveryLog(Protocol):
    """A simulator with a delivery log."""

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The delivery log, oldest first."""
        ...

    def clear_deliveries(self) -> None:
        """Empty the delivery log."""
        ...


type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type SimHandler[S] = Callable[[web.Request, S], Awaitable[web.StreamResponse]]
type Admin[S] = Callable[[SimHandler[S]], Handler]


def sim_wrapper[S](
    key: web.AppKey[S],
    *,
    before: Callable[[web.Request, S], None] | None = None,
    bad_request: Callable[[str], ApiError] | None = None,
) -> Admin[S]:
    """A decorator for handlers that get the request and the simulator under key.

    before, if given, sees them first (an API route's counting, failures and
    auth); an ApiError it or the handler raises is answered; with bad_request,
    a ValueError becomes bad_request(message), otherwise it propagates.
    """

    def decorate(handler: SimHandler[S]) -> Handler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            simulator = request.app[key]
            try:
                if before is not None:
                    before(request, simulator)
                return await handler(request, simulator)
            except ApiError as err:
                return err.response()
            except ValueError as err:
                if bad_request is None:
                    raise
                return bad_request(str(err)).response()

        return wrapper

    return decorate


def admin_wrapper[S](
    key: web.AppKey[S],
    bad_request: Callable[[str], ApiError],
    before: Callable[[web.Request, S], None] | None = None,
) -> Admin[S]:
    """A decorator for admin handlers: no counting, no auth; ValueError becomes bad_request.

    The handler gets the request and the simulator under key; before, if
    given, sees them first.
    """
    return sim_wrapper(key, before=before, bad_request=bad_request)


async def json_object(request: web.Request, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object body; with optional, a missing body is ``{}``.

    Raises:
        ValueError: the body is not JSON or not an object.
    """
    if optional and not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError as err:
        raise ValueError("The request body must be JSON") from err
    if not isinstance(body, dict):
        raise ValueError("The request body must be a JSON object")
    return body


def optional(body: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """body[key] if it is of kind (a bool only where kind is bool), or None if missing."""
    value = body.get(key)
    if value is not None and (
        isinstance(value, bool) != (kind is bool) or not isinstance(value, kind)
    ):
        raise ValueError(f"{key} has the wrong type")
    return value


def required(body: Mapping[str, Any], message: str, **kinds: type | tuple[type, ...]) -> list[Any]:
    """The values of body for the keys of kinds, in that order, each an instance of its kind.

    Raises:
        ValueError: with message, if any value is missing or of another kind.
    """
    values = [body.get(key) for key in kinds]
    if not all(isinstance(value, kind) for value, kind in zip(values, kinds.values(), strict=True)):
        raise ValueError(message)
    return values


def integer(body: Mapping[str, Any], key: str, default: int) -> int:
    """body[key] as an integer (not a bool), or default if missing."""
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer")
    return value


def delivery_routes[S: DeliveryLog](
    routes: web.RouteTableDef, path: str, target_field: str, admin: Admin[S]
) -> None:
    """Add ``GET path`` (the log; ``?<target_field>=<id>`` filters) and ``DELETE path``."""

    async def listing(request: web.Request, simulator: S) -> web.StreamResponse:
        deliveries = simulator.deliveries
        if target_field in request.query:
            wanted = request.query[target_field]
            deliveries = [entry for entry in deliveries if str(entry[target_field]) == wanted]
        return web.json_response(deliveries)

    async def clear(request: web.Request, simulator: S) -> web.StreamResponse:
        simulator.clear_deliveries()
        return web.json_response([])

    routes.get(path)(admin(listing))
    routes.delete(path)(admin(clear))


def target_routes[S](
    routes: web.RouteTableDef,
    path: str,
    admin: Admin[S],
    *,
    listing: Callable[[S], list[dict[str, Any]]],
    add: Callable[[S, dict[str, Any]], int],
    remove: Callable[[S, int], None],
    not_found: Callable[[str], ApiError],
) -> None:
    """Add ``GET path`` (listing), ``POST path`` and ``DELETE path/{id}`` for webhook targets.

    add gets the JSON object body and returns the new target's id (answered
    as ``{"id": ...}``); remove's ValueError becomes not_found.
    """

    async def list_targets(request: web.Request, simulator: S) -> web.StreamResponse:
        return web.json_response(listing(simulator))

    async def add_target(request: web.Request, simulator: S) -> web.StreamResponse:
        return web.json_response({"id": add(simulator, await json_object(request))})

    async def remove_target(request: web.Request, simulator: S) -> web.StreamResponse:
        target_id = int(request.match_info["target_id"])
        try:
            remove(simulator, target_id)
        except ValueError as err:
            raise not_found(str(err)) from err
        return web.json_response({"id": target_id})

    routes.get(path)(admin(list_targets))
    routes.post(path)(admin(add_target))
    routes.delete(path + r"/{target_id:\d+}")(admin(remove_target))


def headers_field(body: Mapping[str, Any]) -> Any:
    """body["headers"] if it is an object, or None if missing."""
    headers = body.get("headers")
    if headers is not None and not isinstance(headers, dict):
        raise ValueError("headers must be an object")
    return headers


class InjectsFailures(Protocol):
    """A simulator that can answer its next API calls with an error."""

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next count API calls with status."""
        ...


def failure_route[S: InjectsFailures](
    routes: web.RouteTableDef, path: str, admin: Admin[S], *, one_message: bool = False
) -> None:
    """Add ``POST path`` taking ``{"status": 500, "count": 1}`` (the defaults) for fail_next.

    With one_message, a status or count that is not an integer answers
    "status and count must be integers"; otherwise the message names the field.
    """

    async def handler(request: web.Request, simulator: S) -> web.StreamResponse:
        body = await json_object(request)
        if one_message:
            status, count = body.get("status", 500), body.get("count", 1)
            if isinstance(status, bool) or isinstance(count, bool):
                raise ValueError("status and count must be integers")
            if not isinstance(status, int) or not isinstance(count, int):
                raise ValueError("status and count must be integers")
        else:
            status, count = integer(body, "status", 500), integer(body, "count", 1)
        simulator.fail_next(status, count)
        return web.json_response({"status": status, "count": count})

    routes.post(path)(admin(handler))


def retry_after(status: int) -> dict[str, str] | None:
    """``Retry-After: 1`` for a 429 or 503 answer, else no extra headers."""
    return {"Retry-After": "1"} if status in (429, 503) else None


class RateWindows:
    """One-second sliding windows of call times by key, for a calls-per-second limit."""

    def __init__(self) -> None:
        """Start with no calls recorded."""
        self._windows: defaultdict[str, deque[float]] = defaultdict(deque)

    def clear(self) -> None:
        """Forget every recorded call."""
        self._windows.clear()

    def admit(self, key: str, now: float, limit: float) -> bool:
        """Record a call to key at now (seconds) and return True; False if over the limit.

        A call is over the limit when limit calls to key were recorded in the
        second before now; it is then not recorded.
        """
        window = self._windows[key]
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= limit:
            return False
        window.append(now)
        return True


class CountsRequests:
    """Request counters of a simulator (by path, by answered status, named) and armed failures.

    The simulator calls ``_setup_counters`` while it builds its world; its ``admit`` calls
    ``take_injected_failure`` and answers the status it returns.
    """

    _by_path: Counter[str]
    _by_status: Counter[str]
    _counters: Counter[str]
    _failure_status: int
    _failures_left: int

    def _setup_counters(self) -> None:
        """Start with zeroed counters and no failure armed."""
        self._failure_status = 0
        self._failures_left = 0
        self._by_path = Counter()
        self._by_status = Counter()
        self._counters = Counter()

    def reset_stats(self) -> None:
        """Zero the counters."""
        self._by_path.clear()
        self._by_status.clear()
        self._counters.clear()

    def count_request(self, path: str, status: int) -> None:
        """Count a request to path answered with status (called by the routes)."""
        self._by_path[path] += 1
        self._by_status[str(status)] += 1

    def request_stats(self) -> dict[str, Any]:
        """``total``, ``by_path`` and ``by_status``: the leading fields of ``stats()``."""
        return {
            "total": self._by_path.total(),
            "by_path": dict(sorted(self._by_path.items())),
            "by_status": dict(sorted(self._by_status.items())),
        }

    def counter_stats(self, *names: str) -> dict[str, int]:
        """The named counters (0 if never counted), in the order given."""
        return {name: self._counters[name] for name in names}

    def sender_stats(self, prefix: str = "webhooks_") -> dict[str, int]:
        """Delivered payloads, failed attempts and dropped payloads counted under prefix."""
        return {
            name: self._counters[prefix + name] for name in ("sent", "failed_attempts", "dropped")
        }

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next count API calls with status (an HTTP error status, 400 to 599).

        Raises:
            ValueError: status is not an error status, or count is negative (bools refused).
        """
        if isinstance(status, bool) or not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status between 400 and 599")
        if isinstance(count, bool) or count < 0:
            raise ValueError("count must not be negative")
        self._failure_status, self._failures_left = status, count

    def take_injected_failure(self) -> int | None:
        """The status armed by fail_next for this call (counted as injected_failures), or None."""
        if not self._failures_left:
            return None
        self._failures_left -= 1
        self._counters["injected_failures"] += 1
        return self._failure_status


class ExpiresTokens(Protocol):
    """A simulator that can expire the tokens it has issued."""

    def expire_tokens(self) -> int:
        """Expire every issued token and return how many there were."""
        ...


async def expire_tokens(request: web.Request, simulator: ExpiresTokens) -> dict[str, int]:
    """The admin answer ``{"expired": n}`` after expiring the simulator's tokens."""
    return {"expired": simulator.expire_tokens()}


type JsonHandler[S] = Callable[[web.Request, S], Awaitable[Any]]


def setter[S](
    message: str, call: Callable[..., None], **kinds: type | tuple[type, ...]
) -> JsonHandler[S]:
    """A handler passing the required fields of the JSON body to call and answering them.

    call gets the simulator and the values in the order of kinds; a missing
    field or one of another kind raises ValueError(message) (see required).
    """

    async def handler(request: web.Request, simulator: S) -> dict[str, Any]:
        values = required(await json_object(request), message, **kinds)
        call(simulator, *values)
        return dict(zip(kinds, values, strict=True))

    return handler


@dataclass(frozen=True)
class Setting[S]:
    """One field of a settings route: a number (passed on as a float) or a boolean.

    message is the error for a value of another kind (default "<name> has the wrong type").
    """

    name: str
    setter: Callable[[S, Any], None]
    number: bool = True
    message: str | None = None

    def value(self, body: Mapping[str, Any]) -> Any:
        """body[name] checked for its kind, or None if missing."""
        try:
            value = optional(body, self.name, (int, float) if self.number else bool)
        except ValueError as err:
            raise ValueError(self.message or str(err)) from None
        return float(value) if self.number and value is not None else value


class AdminRoutes[S]:
    """The admin routes of one simulator under prefix, added from tables.

    Handlers get the request and the simulator under key and return the JSON
    answer; an ApiError is answered as it is, a ValueError as error(400, message).
    """

    def __init__(
        self,
        routes: web.RouteTableDef,
        prefix: str,
        key: web.AppKey[S],
        error: Callable[[int, str], ApiError],
        *,
        before: Callable[[web.Request, S], None] | None = None,
    ) -> None:
        """Add to routes, paths under prefix (e.g. ``/_sim/camlytics``)."""
        self.routes, self.prefix, self.error = routes, prefix, error
        self.admin: Admin[S] = admin_wrapper(key, lambda message: error(400, message), before)

    def add(self, table: Iterable[tuple[str, str, JsonHandler[S]]]) -> None:
        """Add a route for each (method, path under the prefix, handler)."""
        for method, path, handler in table:
            self.routes.route(method, self.prefix + path)(self.admin(_json_answer(handler)))

    def targets(
        self,
        listing: Callable[[S], list[dict[str, Any]]],
        add: Callable[[S, dict[str, Any]], int],
        remove: Callable[[S, int], None],
        *,
        path: str = "/webhooks",
        field: str = "webhook",
    ) -> None:
        """Add the webhook-target routes (see target_routes) and ``/deliveries`` by field."""
        target_routes(
            self.routes,
            self.prefix + path,
            self.admin,
            listing=listing,
            add=add,
            remove=remove,
            not_found=lambda message: self.error(404, message),
        )
        delivery_routes(
            self.routes, self.prefix + "/deliveries", field, cast("Admin[Any]", self.admin)
        )

    def failure(self, *, one_message: bool = False) -> None:
        """Add ``POST /fail`` (see failure_route)."""
        failure_route(
            self.routes,
            self.prefix + "/fail",
            cast("Admin[Any]", self.admin),
            one_message=one_message,
        )

    def settings(self, table: Sequence[Setting[S]], answer: Sequence[str] = ()) -> None:
        """Add ``POST /settings``: check every field, set them in table order.

        The answer holds the settings named in answer (default: the table's), read
        from the simulator's settings.
        """

        async def handler(request: web.Request, simulator: S) -> dict[str, Any]:
            body = await json_object(request)
            values = [(setting, setting.value(body)) for setting in table]
            for setting, value in values:
                if value is not None:
                    setting.setter(simulator, value)
            current = simulator.settings  # type: ignore[attr-defined]
            names = answer or [setting.name for setting in table]
            return {name: getattr(current, name) for name in names}

        self.add([("POST", "/settings", handler)])


def _json_answer[S](handler: JsonHandler[S]) -> SimHandler[S]:
    async def answer(request: web.Request, simulator: S) -> web.StreamResponse:
        return web.json_response(await handler(request, simulator))

    return answer
