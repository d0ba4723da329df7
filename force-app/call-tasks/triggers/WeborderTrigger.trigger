trigger WeborderTrigger on Weborder__c(before insert, before update, after insert, after update) {
  RinkelMatchObjectTrigger.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
