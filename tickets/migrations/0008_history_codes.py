"""History rows become language-neutral: values as codes, the SLA effect as data.

Rows written before stored the actor's words: English or Ukrainian labels ("In progress",
"Incident, 1 — Critical", a component's name) and a sentence for the SLA effect, with times in
the contract's zone. This migration reads them back where it can — labels of both languages to
codes, and the sentences the portal wrote (both languages, the three date styles it used) to
effect data. A sentence it cannot read is kept as it was (``{"kind": "text"}``) and shown as
written. Going back writes English labels and sentences (times in UTC).

The tables below are a frozen copy of the texts the portal wrote: they must not follow later
changes to the models or the catalogue.
"""

import re
from datetime import datetime, timedelta, timezone

from django.db import migrations, models

STATUS = {
    "new": ("New", "Нове"),
    "in_progress": ("In progress", "У роботі"),
    "waiting": ("Waiting for customer", "Очікує на клієнта"),
    "resolved": ("Resolved", "Вирішено"),
    "closed": ("Closed", "Закрито"),
}
TYPES = {
    "incident": ("Incident", "Інцидент"),
    "service_request": ("Service request", "Запит на обслуговування"),
    "change": ("Change", "Зміна"),
}
PRIORITIES = {
    "1": ("1 — Critical", "1 — Критичний"),
    "2": ("2 — High", "2 — Високий"),
    "3": ("3 — Normal", "3 — Звичайний"),
}


def _to_code(table):
    return {label: code for code, labels in table.items() for label in labels}


STATUS_CODE, TYPE_CODE, PRIORITY_CODE = _to_code(STATUS), _to_code(TYPES), _to_code(PRIORITIES)

# kind -> (English, Ukrainian) as the portal wrote them.
NOTES = {
    "workaround_applied": ("Workaround applied.", "Застосовано обхідний шлях."),
    "workaround_ignored": (
        "Workaround noted, but this does not lower a priority 1 or 2 incident: recorded as an "
        "ordinary priority change.",
        "Обхідний шлях зафіксовано, але це не знижує пріоритет інциденту 1 чи 2: записано як "
        "звичайну зміну пріоритету.",
    ),
}
SENTENCES = {
    "started": (
        "SLA started: reaction due %(r)s, resolution due %(s)s.",
        "Відлік SLA почався: реакція до %(r)s, вирішення до %(s)s.",
    ),
    "deferred": (
        "Deferred to next month: the SLA clock starts when it opens.",
        "Відкладено на наступний місяць: відлік SLA почнеться, коли запит відкриють.",
    ),
}
ALERTS = {  # the beat job's rows (action sla_breach / sla_at_risk)
    "alert_breach": ("%(what)s (was due %(due)s).", "%(what)s (термін: %(due)s)."),
    "alert_at_risk": (
        "%(what)s: 80 %% of the target used, due %(due)s.",
        "%(what)s: використано 80 %% цільового часу, термін: %(due)s.",
    ),
}
HEADLINES = {
    ("alert_breach", "reaction"): ("Reaction breached", "Термін реакції порушено"),
    ("alert_breach", "resolution"): ("Resolution breached", "Термін вирішення порушено"),
    ("alert_at_risk", "reaction"): ("Reaction at risk", "Реакція під загрозою"),
    ("alert_at_risk", "resolution"): ("Resolution at risk", "Вирішення під загрозою"),
}
CLAUSES = {
    "reaction_met": (
        "reaction met %(m)s before due",
        "реакцію надано за %(m)s до закінчення терміну",
    ),
    "reaction_late": (
        "reaction breached (%(m)s late)",
        "термін реакції порушено (запізнення %(m)s)",
    ),
    "reaction_due": ("reaction now due %(d)s", "реакція тепер до %(d)s"),
    "reaction_breached": ("reaction breached", "реакцію прострочено"),
    "paused": ("resolution clock paused", "відлік вирішення призупинено"),
    "resumed": (
        "resolution clock resumed, due %(d)s",
        "відлік вирішення відновлено, термін: %(d)s",
    ),
    "new_clock_paused": (
        "new clock: priority %(p)s, paused while waiting for the customer",
        "новий відлік: пріоритет %(p)s, призупинено на час очікування на клієнта",
    ),
    "new_clock": (
        "new clock: priority %(p)s, due %(d)s",
        "новий відлік: пріоритет %(p)s, термін: %(d)s",
    ),
    "resolution_due": ("resolution now due %(d)s", "вирішення тепер до %(d)s"),
    "resolution_breached": (
        "resolution breached (was due %(d)s)",
        "термін вирішення порушено (був до %(d)s)",
    ),
    "extended": (
        "resolution target extended to %(h)s business hours",
        "цільовий час вирішення подовжено до %(h)s робочих год",
    ),
    "resolution_met": ("resolution met", "вирішення дотримано"),
    "resolved_late": (
        "resolved after a resolution breach",
        "вирішено після порушення терміну вирішення",
    ),
    "reopened": (
        "reopened: resolution clock resumed, due %(d)s",
        "відкрито знову: відлік вирішення відновлено, термін: %(d)s",
    ),
}
PAUSED_DUE = ("— (paused)", "— (призупинено)")
MARGIN = (
    re.compile(r"(?:(?P<h>\d+) h (?P<m>\d{2}) min|(?P<only>\d+) min)"),
    re.compile(r"(?:(?P<h>\d+) год (?P<m>\d{2}) хв|(?P<only>\d+) хв)"),
)
EN_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
UK_MONTHS = (
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
)
OFFSET = r" \(UTC(?P<off>[+-]\d{4})\)"
DATES = (
    # Django's English DATETIME_FORMAT "N j, Y, P": "Nov. 18, 2026, 11:30 a.m."
    re.compile(
        r"(?P<mon>" + "|".join(map(re.escape, EN_MONTHS)) + r") (?P<day>\d{1,2}), (?P<year>\d{4}), "
        r"(?P<time>midnight|noon|(?P<h>\d{1,2})(?::(?P<mi>\d{2}))? (?P<ampm>[ap])\.m\.)" + OFFSET
    ),
    # Django's Ukrainian DATETIME_FORMAT "d E Y р. H:i": "18 листопада 2026 р. 11:30"
    re.compile(
        r"(?P<day>\d{1,2}) (?P<mon>" + "|".join(UK_MONTHS) + r") (?P<year>\d{4}) р\. "
        r"(?P<h>\d{2}):(?P<mi>\d{2})" + OFFSET
    ),
    # The beat job's "2026-05-12 10:00 (UTC+0300)"
    re.compile(
        r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2}) (?P<h>\d{2}):(?P<mi>\d{2})" + OFFSET
    ),
)


class Unreadable(Exception):
    pass


def _pattern(template: str) -> re.Pattern:
    text = re.escape(template)
    for name in ("d", "r", "s", "m", "due", "what"):
        text = text.replace(re.escape(f"%({name})s"), f"(?P<{name}>.+?)")
    text = text.replace(re.escape("%(p)s"), r"(?P<p>\d|—)")
    text = text.replace(re.escape("%(h)s"), r"(?P<h>\d+)")
    return re.compile(text.replace("%%", "%"))


def _instant(text: str, language: int) -> str | None:
    if text == PAUSED_DUE[language]:
        return None
    for number, pattern in enumerate(DATES):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        if number == 0:
            month = EN_MONTHS.index(parts["mon"]) + 1
            if parts["time"] in ("midnight", "noon"):
                hour, minute = (0 if parts["time"] == "midnight" else 12), 0
            else:
                hour = int(parts["h"]) % 12 + (12 if parts["ampm"] == "p" else 0)
                minute = int(parts["mi"] or 0)
        else:
            month = UK_MONTHS.index(parts["mon"]) + 1 if number == 1 else int(parts["mon"])
            hour, minute = int(parts["h"]), int(parts["mi"])
        sign = -1 if parts["off"][0] == "-" else 1
        offset = timedelta(hours=int(parts["off"][1:3]), minutes=int(parts["off"][3:]))
        local = datetime(
            int(parts["year"]),
            month,
            int(parts["day"]),
            hour,
            minute,
            tzinfo=timezone(sign * offset),
        )
        return local.astimezone(timezone.utc).isoformat()
    raise Unreadable(text)


def _minutes(text: str, language: int) -> int:
    match = MARGIN[language].fullmatch(text)
    if match is None:
        raise Unreadable(text)
    if match["only"] is not None:
        return int(match["only"])
    return int(match["h"]) * 60 + int(match["m"])


def _item(kind: str, match: re.Match, language: int) -> dict:
    found = match.groupdict()
    item = {"kind": kind}
    if "d" in found:
        item["due"] = _instant(found["d"], language)
    if "due" in found:
        item["due"] = _instant(found["due"], language)
    if "r" in found:
        item["reaction"] = _instant(found["r"], language)
        item["resolution"] = _instant(found["s"], language)
    if "m" in found:
        item["minutes"] = _minutes(found["m"], language)
    if "p" in found:
        item["priority"] = None if found["p"] == "—" else int(found["p"])
    if "h" in found:
        item["hours"] = int(found["h"])
    if "what" in found:
        metrics = [
            m
            for (k, m), texts in HEADLINES.items()
            if k == kind and texts[language] == found["what"]
        ]
        if not metrics:
            raise Unreadable(found["what"])
        item["metric"] = metrics[0]
    return item


COMPILED = {
    table_name: {kind: tuple(_pattern(t) for t in texts) for kind, texts in table.items()}
    for table_name, table in (("sentences", SENTENCES), ("alerts", ALERTS), ("clauses", CLAUSES))
}


def _parse_in(text: str, language: int, *, alert: bool) -> list[dict]:
    effects = []
    for kind, texts in NOTES.items():
        if text.startswith(texts[language]):
            effects.append({"kind": kind})
            text = text[len(texts[language]) :].strip()
            break
    if not text:
        return effects
    for kind, patterns in COMPILED["alerts" if alert else "sentences"].items():
        match = patterns[language].fullmatch(text)
        if match:
            return [*effects, _item(kind, match, language)]
    if alert or not text.endswith("."):
        raise Unreadable(text)
    for clause in text[:-1].split("; "):
        clause = clause[:1].lower() + clause[1:]
        for kind, patterns in COMPILED["clauses"].items():
            match = patterns[language].fullmatch(clause)
            if match:
                effects.append(_item(kind, match, language))
                break
        else:
            raise Unreadable(clause)
    return effects


def effects_from_text(text: str, *, action: str) -> list[dict]:
    text = (text or "").strip()
    if not text:
        return []
    for language in (0, 1):
        try:
            return _parse_in(text, language, alert=action.startswith("sla_"))
        except Unreadable:
            continue
    return [{"kind": "text", "text": text}]


def _value_code(field: str, action: str, value: str, components: dict[str, str]) -> str:
    if field == "status":
        return STATUS_CODE.get(value, value)
    if field == "priority":
        return PRIORITY_CODE.get(value, value)
    if field == "ticket_type" or action == "filed":
        type_label, _sep, priority_label = value.partition(", ")
        if type_label not in TYPE_CODE or (priority_label and priority_label not in PRIORITY_CODE):
            return value
        code = TYPE_CODE[type_label]
        return f"{code}:{PRIORITY_CODE[priority_label]}" if priority_label else code
    if field == "component":
        return components.get(value, value)
    return value


def _rewrite(apps, convert, columns: list[str]) -> None:
    """Apply ``convert(change)`` to every history row, saving ``columns`` in batches."""
    TicketChange = apps.get_model("tickets", "TicketChange")
    batch = []
    for change in TicketChange.objects.order_by("pk").iterator(chunk_size=2000):
        convert(change)
        batch.append(change)
        if len(batch) >= 2000:
            TicketChange.objects.bulk_update(batch, columns)
            batch = []
    if batch:
        TicketChange.objects.bulk_update(batch, columns)


def forward(apps, schema_editor):
    Component = apps.get_model("packages", "Component")
    components = dict(Component.objects.values_list("name", "code"))

    def convert(change):
        change.old_value = _value_code(change.field, change.action, change.old_value, components)
        change.new_value = _value_code(change.field, change.action, change.new_value, components)
        change.effects = effects_from_text(change.sla_effect, action=change.action)

    _rewrite(apps, convert, ["old_value", "new_value", "effects"])


# --- back to English words (times in UTC) ------------------------------------------------------


def _english_due(value) -> str:
    if not value:
        return PAUSED_DUE[0]
    return datetime.fromisoformat(value).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M (UTC%z)")


def _english_margin(minutes) -> str:
    hours, minutes = divmod(int(minutes or 0), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _english(item: dict) -> tuple[str, bool]:
    """(text, is_clause)."""
    kind = item.get("kind")
    params = {
        "d": _english_due(item.get("due")),
        "due": _english_due(item.get("due")),
        "r": _english_due(item.get("reaction")),
        "s": _english_due(item.get("resolution")),
        "m": _english_margin(item.get("minutes")),
        "p": item.get("priority") or "—",
        "h": item.get("hours"),
        "what": HEADLINES.get((kind, item.get("metric")), ("",))[0],
    }
    if kind in NOTES:
        return NOTES[kind][0], False
    for table in (SENTENCES, ALERTS):
        if kind in table:
            return table[kind][0] % params, False
    if kind in CLAUSES:
        return CLAUSES[kind][0] % params, True
    return str(item.get("text") or ""), False


def effects_to_text(effects) -> str:
    sentences, clauses = [], []
    for item in effects or ():
        text, is_clause = _english(item)
        (clauses if is_clause else sentences).append(text)
    if clauses:
        joined = "; ".join(clauses)
        sentences.append(joined[:1].upper() + joined[1:] + ".")
    return " ".join(s for s in sentences if s)


def _value_label(field: str, action: str, value: str, names: dict[str, str]) -> str:
    if field == "status":
        return STATUS.get(value, (value,))[0]
    if field == "priority":
        return PRIORITIES.get(value, (value,))[0]
    if field == "ticket_type" or action == "filed":
        code, _sep, priority = value.partition(":")
        label = TYPES.get(code, (code,))[0]
        return f"{label}, {PRIORITIES.get(priority, (priority,))[0]}" if priority else label
    if field == "component":
        return names.get(value, value)
    return value


def backward(apps, schema_editor):
    Component = apps.get_model("packages", "Component")
    names = dict(Component.objects.values_list("code", "name"))

    def convert(change):
        change.old_value = _value_label(change.field, change.action, change.old_value, names)
        change.new_value = _value_label(change.field, change.action, change.new_value, names)
        change.sla_effect = effects_to_text(change.effects)

    _rewrite(apps, convert, ["old_value", "new_value", "sla_effect"])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_created_at_from_services")]

    operations = [
        migrations.AddField(
            model_name="ticketchange",
            name="effects",
            field=models.JSONField(blank=True, default=list, verbose_name="SLA effect"),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="ticketchange", name="sla_effect"),
    ]
