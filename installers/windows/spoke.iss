; Inno Setup script: the Windows installer for Spoke's one-folder app.
; Build (the release workflow does, after PyInstaller has made dist\spoke and the icon):
;     pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller installers/spoke.spec
;     iscc /DAppVersion=0.1.0 installers\windows\spoke.iss      -> dist\Spoke-0.1.0-setup.exe
; Paths are relative to this file. The worker's casebook lives in their own profile folder
; (%LOCALAPPDATA%\Spoke), never under {app}, so uninstalling or upgrading leaves it alone.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
; The AppId identifies Spoke to Windows across versions: never change it.
AppId={{6B1F3E52-8C4D-4E8B-9A57-2F0D5C1B7A64}
AppName=Spoke
AppVersion={#AppVersion}
AppVerName=Spoke {#AppVersion}
AppPublisher=Spoke
DefaultDirName={autopf}\Spoke
DefaultGroupName=Spoke
DisableProgramGroupPage=yes
; Per-user install without administrator rights is offered; IT can install for all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=Spoke-{#AppVersion}-setup
SetupIconFile=..\..\build\pyinstaller\spoke\spoke.ico
UninstallDisplayIcon={app}\spoke.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\spoke\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the whole app folder: no file of an older bundle lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\Spoke"; Filename: "{app}\spoke.exe"
Name: "{autodesktop}\Spoke"; Filename: "{app}\spoke.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\spoke.exe"; Description: "{cm:LaunchProgram,Spoke}"; Flags: nowait postinstall skipifsilent
