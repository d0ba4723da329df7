trigger RinkelWebhookTrigger on Rinkel_Webhook__e(after insert) {
  new RinkelWebhookTriggerHandler().handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
