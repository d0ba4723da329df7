trigger ConfSizedTrigger on Conf_Sized__e(after insert) {
  ConfEventHandler.sized(Trigger.new);
}
