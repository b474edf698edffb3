// Starts the fake Heroku and Aptible world; its -Dcutover.* properties point the plugin at it.
context.userProperties.put('settings.security', itSettingsSecurity)
context.world = dev.cutover.maven.ItWorld.start(context.userProperties)
return true
