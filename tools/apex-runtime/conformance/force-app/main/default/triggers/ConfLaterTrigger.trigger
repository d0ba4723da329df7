trigger ConfLaterTrigger on Conf_Later__e(after insert) {
  ConfEventHandler.later(Trigger.new);
}
