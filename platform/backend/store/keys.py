"""Every key shape of the single table, in one place (see docs/data-model.md).

Entities and their keys::

    profile        PK=USER#<userId>        SK=PROFILE
    conversation   PK=CONV#<convId>        SK=METADATA
    membership     PK=CONV#<convId>        SK=PARTICIPANT#<userId>
                   GSI1PK=USER#<userId>    GSI1SK=<lastActivityAt>#<convId>
    message        PK=CONV#<convId>        SK=MESSAGE#<messageId>        (messageId is a ULID)
    send guard     PK=CONV#<convId>        SK=CLIENTMSG#<senderId>#<clientMessageId>
    direct pair    PK=DIRECT#<a>#<b>       SK=DIRECT                     (a < b)
    connection     PK=CONNECTION#<connId>  SK=METADATA                   (TTL expiresAt)
    user's conns.  PK=USER#<userId>        SK=CONNECTIONS                one attribute per open
                                                                         connection: conn#<connId>
                                                                         = its expiresAt
    call           PK=CALL#<callId>        SK=METADATA
                   GSI1PK=CONV#<convId>#CALLS  GSI1SK=<callId>           (history, newest first)
    upload         PK=UPLOAD#<uploadId>    SK=METADATA
    rate counter   PK=USER#<userId>        SK=RATE#<kind>#<window start> (TTL expiresAt)
"""

from __future__ import annotations

PK = "PK"
SK = "SK"
GSI1 = "GSI1"
GSI1PK = "GSI1PK"
GSI1SK = "GSI1SK"
# The key attributes of each GSI: an item holding them is copied into that index.
INDEX_KEYS = {GSI1: (GSI1PK, GSI1SK)}
# The table's TTL attribute: items carrying it expire (connections, rate counters).
EXPIRES_AT = "expiresAt"

USER = "USER#"
CONV = "CONV#"
PROFILE = "PROFILE"
METADATA = "METADATA"
PARTICIPANT = "PARTICIPANT#"
MESSAGE = "MESSAGE#"
CLIENT_MESSAGE = "CLIENTMSG#"
DIRECT = "DIRECT#"
CONNECTION = "CONNECTION#"
CONNECTIONS = "CONNECTIONS"
CONNECTION_ATTRIBUTE = "conn#"
CALL = "CALL#"
UPLOAD = "UPLOAD#"
RATE = "RATE#"

Key = dict[str, str]


def profile(user_id: str) -> Key:
    """Key of a user's profile."""
    return {PK: USER + user_id, SK: PROFILE}


def conversation(conversation_id: str) -> Key:
    """Key of a conversation's metadata item."""
    return {PK: CONV + conversation_id, SK: METADATA}


def conversation_partition(conversation_id: str) -> str:
    """Partition holding a conversation's metadata, memberships and messages."""
    return CONV + conversation_id


def membership(conversation_id: str, user_id: str) -> Key:
    """Key of a user's membership in a conversation."""
    return {PK: CONV + conversation_id, SK: PARTICIPANT + user_id}


def membership_index(user_id: str, activity_at: str, conversation_id: str) -> Key:
    """GSI1 attributes that list a user's conversations by last activity."""
    return {GSI1PK: USER + user_id, GSI1SK: f"{activity_at}#{conversation_id}"}


def user_conversations_partition(user_id: str) -> str:
    """GSI1 partition of a user's memberships."""
    return USER + user_id


def message(conversation_id: str, message_id: str) -> Key:
    """Key of one message."""
    return {PK: CONV + conversation_id, SK: MESSAGE + message_id}


def message_sort_key(message_id: str) -> str:
    """Sort key of a message, for range conditions."""
    return MESSAGE + message_id


def message_id_of(sort_key: str) -> str:
    """The message id inside a message sort key."""
    return sort_key.removeprefix(MESSAGE)


def send_guard(conversation_id: str, sender_id: str, client_message_id: str) -> Key:
    """Key of the item that makes a send idempotent on the client's message id."""
    return {PK: CONV + conversation_id, SK: f"{CLIENT_MESSAGE}{sender_id}#{client_message_id}"}


def direct_pair(user_a: str, user_b: str) -> Key:
    """Key of the item that makes a direct conversation unique per pair of users."""
    first, second = sorted((user_a, user_b))
    return {PK: f"{DIRECT}{first}#{second}", SK: "DIRECT"}


def connection(connection_id: str) -> Key:
    """Key of a connection (connection -> user)."""
    return {PK: CONNECTION + connection_id, SK: METADATA}


def user_connections(user_id: str) -> Key:
    """Key of the item listing a user's connections (user -> connections), one attribute each
    (:func:`connection_attribute`), so one BatchGetItem finds every participant's sockets."""
    return {PK: USER + user_id, SK: CONNECTIONS}


def connection_attribute(connection_id: str) -> str:
    """Name of a connection's attribute on its user's connections item."""
    return CONNECTION_ATTRIBUTE + connection_id


def connection_id_of(attribute: str) -> str | None:
    """The connection id an attribute of a connections item names, or None for other attributes."""
    return attribute[len(CONNECTION_ATTRIBUTE) :] if attribute.startswith(CONNECTION_ATTRIBUTE) else None


def user_partition(user_id: str) -> str:
    """Partition of a user's profile and connections."""
    return USER + user_id


def call(call_id: str) -> Key:
    """Key of a call."""
    return {PK: CALL + call_id, SK: METADATA}


def call_history_index(conversation_id: str, call_id: str) -> Key:
    """GSI1 attributes that list a conversation's calls, newest first."""
    return {GSI1PK: call_history_partition(conversation_id), GSI1SK: call_id}


def call_history_partition(conversation_id: str) -> str:
    """GSI1 partition of a conversation's calls."""
    return f"{CONV}{conversation_id}#CALLS"


def upload(upload_id: str) -> Key:
    """Key of an upload's record."""
    return {PK: UPLOAD + upload_id, SK: METADATA}


def rate_counter(user_id: str, kind: str, window_start: int) -> Key:
    """Key of a user's counter of ``kind`` actions in the window starting at ``window_start``."""
    return {PK: USER + user_id, SK: f"{RATE}{kind}#{window_start}"}
