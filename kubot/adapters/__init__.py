"""The adapter infrastructure every chat platform shares, and the composition root.

* `compose` – the composition root: the one place that builds the application (a migrated engine
  with a plan, the routing sender). Only entry points (`kubot.cli`, the `kubot say` process)
  import it; the worker, the servers and the data commands receive what it built.
* `routing` – the one `Sender` the rest of kubot uses: each person reached on their platform.
* `console`, `outbox` – the console adapter and its sender (the outbox people read in `kubot console`).

The Slack and Teams adapters are not here but in `kubot/slack/` and `kubot/teams/`: each is the only
package that imports its platform's SDK (slack_bolt/slack_sdk, the Microsoft 365 Agents SDK), which
import contracts check per package, and each keeps its own sender, inbound handling and settings keys
there. Putting them under this package would make every user of the shared pieces a possible importer
of an SDK; keeping them beside it keeps "only kubot.slack talks to Slack" a one-line rule. They use what
is here (the routing sender) and are found by the routing sender through the
`kubot.senders` entry points, so adding a platform changes nothing in this package.
"""
