trigger RinkelEventTrigger on Rinkel_Event__c(before update, after update) {
  new RinkelEventTriggerHandler().handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
