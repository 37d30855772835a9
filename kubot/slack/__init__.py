"""kubot as a Slack app: the only package that knows Slack (slack-bolt and slack-sdk).

It turns Slack's commands, messages, clicks and forms into the chat core's `Incoming`, shows the
core's `Reply`, and delivers what kubot starts itself (reminders, reports) as a `Sender`.
"""
