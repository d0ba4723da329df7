trigger ConfSignalTrigger on Conf_Signal__e(after insert) {
  ConfEventHandler.handle(Trigger.new);
}
