trigger WeborderTrigger on Weborder__c(before insert, before update, after insert, after update) {
  new RinkelMatchObjectTriggerHandler().handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
