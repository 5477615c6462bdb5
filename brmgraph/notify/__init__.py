"""``brmgraph notify``: digests of what changed since T (new and resolved flags, drift
alerts) sent where the team already is — e-mail, Slack, Microsoft Teams, WeCom,
DingTalk, Feishu, or a plain JSON webhook (docs/spec.md §5.5).

- :mod:`.digest` composes the digest from the flags and alerts rules (nothing decided here);
- :mod:`.text` words it in English or Chinese;
- one module per product shapes its documented payload within its documented limits
  (:mod:`.slack`, :mod:`.teams`, :mod:`.wecom`, :mod:`.dingtalk`, :mod:`.feishu`,
  :mod:`.jsonhook`, :mod:`.email`), :mod:`.pack` splits or cuts with "and N more";
- :mod:`.webhooks` sends with retries; :mod:`.config` reads channels (secrets from the
  environment only); :mod:`.run` delivers once per run id, recording sends in the store.
"""

from ..service.digest import Digest, Item, compose
from .config import Channel, from_file, from_options, redact
from .run import ChannelResult, Options, Summary, notify
from .webhooks import Retry

__all__ = ["Channel", "ChannelResult", "Digest", "Item", "Options", "Retry", "Summary", "compose", "from_file",
           "from_options", "notify", "redact"]
