trigger RinkelEventTrigger on Rinkel_Event__c(before update, after update) {
  new RinkelEventRetryHandler().run(Trigger.new, Trigger.oldMap, Trigger.operationType);
}
