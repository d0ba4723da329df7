trigger WeborderTrigger on Weborder__c(before insert, before update) {
  WeborderPhoneSync.apply(Trigger.new);
}
