"""Moonsense sessions as the API shows them."""

from typing import Any

from .model import _SCREENS, SENSORS, _distance, _i64, _Session, rfc3339


def session_json(session: _Session, app_id: str, *, full: bool) -> dict[str, Any]:
    """A session as the API shows it: the list form, or with full its counters' buckets too."""
    counters: dict[str, Any] = {"bundle": {"total": _i64(session.bundles)}}
    if full:
        counters["bundle"]["buckets"] = [
            {"start_time": _i64(start), "value": _i64(value)}
            for start, value in sorted(session.buckets.items(), reverse=True)
        ]
    for sensor in SENSORS:
        if session.sensors[sensor]:
            counters[sensor] = {"total": _i64(session.sensors[sensor])}
    phone = session.phone
    width, height, ratio = _SCREENS[session.platform]
    return {
        "session_id": session.session_id,
        "app_id": app_id,
        "region_id": session.region_id,
        "journey_id": session.journey_id,
        "client_session_group_id": session.client_session_group_id,
        "labels": [label.to_json() for label in session.labels],
        "created_at": rfc3339(session.created_at),
        "oldest_event": rfc3339(session.oldest_event) if session.oldest_event else None,
        "newest_event": rfc3339(session.newest_event) if session.newest_event else None,
        "circle": _circle(session),
        "counters": counters,
        "metadata": {
            "platform": session.platform,
            "manufacturer": phone.manufacturer,
            "model": phone.model,
            "system_version": phone.version,
            "release_version": "0.13.1",
            "install_id": phone.install_id,
            "recording_profile": {"name": "mobility", "version": "1"},
            "device_physical_width": _i64(width),
            "device_physical_height": _i64(height),
            "device_logical_width": _i64(round(width / ratio)),
            "device_logical_height": _i64(round(height / ratio)),
            "device_pixel_ratio": ratio,
        },
        "config": {
            "bundle_generation_interval_millis": _i64(1000),
            "requested_duration_millis": _i64(600_000),
            "requested_sensors": ["LOCATION", "BATTERY", "ACTIVITY", "TEMPERATURE"],
            "sensor_sampling_rate": 1.0,
            "mask_text": True,
        },
    }


def _circle(session: _Session) -> dict[str, Any] | None:
    if not session.points:
        return None
    lat = sum(point[0] for point in session.points) / len(session.points)
    lon = sum(point[1] for point in session.points) / len(session.points)
    radius = max(_distance((lat, lon), point) for point in session.points)
    return {"centroid": {"latitude": lat, "longitude": lon}, "radius": round(radius, 3)}
